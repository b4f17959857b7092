import type { HostRule } from '../../../models/rule.ts';
import dataRootPartition from './data-root-partition.ts';
import dockerGroupMembers from './docker-group-members.ts';
import auditDockerd from './audit-dockerd.ts';
import auditContainerdRun from './audit-containerd-run.ts';
import auditDataRoot from './audit-data-root.ts';
import auditEtcDocker from './audit-etc-docker.ts';
import auditDockerService from './audit-docker-service.ts';
import auditContainerdSock from './audit-containerd-sock.ts';
import auditDockerSocket from './audit-docker-socket.ts';
import auditDockerSock from './audit-docker-sock.ts';
import auditEtcDefaultDocker from './audit-etc-default-docker.ts';
import auditDaemonJson from './audit-daemon-json.ts';
import auditContainerdConfig from './audit-containerd-config.ts';
import auditEtcSysconfigDocker from './audit-etc-sysconfig-docker.ts';
import auditContainerdBin from './audit-containerd-bin.ts';
import auditContainerdShim from './audit-containerd-shim.ts';
import auditContainerdShimRuncV1 from './audit-containerd-shim-runc-v1.ts';
import auditContainerdShimRuncV2 from './audit-containerd-shim-runc-v2.ts';
import auditRunc from './audit-runc.ts';
import hardened from './hardened.ts';
import dockerServiceOwner from './docker-service-owner.ts';
import dockerServiceMode from './docker-service-mode.ts';
import dockerSocketUnitOwner from './docker-socket-unit-owner.ts';
import dockerSocketUnitMode from './docker-socket-unit-mode.ts';
import etcDockerOwner from './etc-docker-owner.ts';
import etcDockerMode from './etc-docker-mode.ts';
import registryCertsOwner from './registry-certs-owner.ts';
import registryCertsMode from './registry-certs-mode.ts';
import tlsCaOwner from './tls-ca-owner.ts';
import tlsCaMode from './tls-ca-mode.ts';
import tlsCertOwner from './tls-cert-owner.ts';
import tlsCertMode from './tls-cert-mode.ts';
import tlsKeyOwner from './tls-key-owner.ts';
import tlsKeyMode from './tls-key-mode.ts';
import dockerSockOwner from './docker-sock-owner.ts';
import dockerSockMode from './docker-sock-mode.ts';
import daemonJsonOwner from './daemon-json-owner.ts';
import daemonJsonMode from './daemon-json-mode.ts';
import etcDefaultDockerOwner from './etc-default-docker-owner.ts';
import etcDefaultDockerMode from './etc-default-docker-mode.ts';
import etcSysconfigDockerMode from './etc-sysconfig-docker-mode.ts';
import etcSysconfigDockerOwner from './etc-sysconfig-docker-owner.ts';
import containerdSockOwner from './containerd-sock-owner.ts';
import containerdSockMode from './containerd-sock-mode.ts';
import contentTrust from './content-trust.ts';

/** Every host rule, in benchmark order, listed explicitly (a test checks this list equals the folder). */
export const hostRules: readonly HostRule[] = [
  dataRootPartition,
  dockerGroupMembers,
  auditDockerd,
  auditContainerdRun,
  auditDataRoot,
  auditEtcDocker,
  auditDockerService,
  auditContainerdSock,
  auditDockerSocket,
  auditDockerSock,
  auditEtcDefaultDocker,
  auditDaemonJson,
  auditContainerdConfig,
  auditEtcSysconfigDocker,
  auditContainerdBin,
  auditContainerdShim,
  auditContainerdShimRuncV1,
  auditContainerdShimRuncV2,
  auditRunc,
  hardened,
  dockerServiceOwner,
  dockerServiceMode,
  dockerSocketUnitOwner,
  dockerSocketUnitMode,
  etcDockerOwner,
  etcDockerMode,
  registryCertsOwner,
  registryCertsMode,
  tlsCaOwner,
  tlsCaMode,
  tlsCertOwner,
  tlsCertMode,
  tlsKeyOwner,
  tlsKeyMode,
  dockerSockOwner,
  dockerSockMode,
  daemonJsonOwner,
  daemonJsonMode,
  etcDefaultDockerOwner,
  etcDefaultDockerMode,
  etcSysconfigDockerMode,
  etcSysconfigDockerOwner,
  containerdSockOwner,
  containerdSockMode,
  contentTrust,
];
