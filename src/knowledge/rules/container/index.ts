import type { ContainerRule } from '../../../models/rule.ts';
import adminPortExposed from './admin-port-exposed.ts';
import apparmor from './apparmor.ts';
import breakoutPath from './breakout-path.ts';
import capabilities from './capabilities.ts';
import cgroupParent from './cgroup-parent.ts';
import cpuShares from './cpu-shares.ts';
import dangerousCapabilities from './dangerous-capabilities.ts';
import defaultBridge from './default-bridge.ts';
import dockerSocket from './docker-socket.ts';
import envSecrets from './env-secrets.ts';
import execPrivileged from './exec-privileged.ts';
import execRoot from './exec-root.ts';
import exposedPath from './exposed-path.ts';
import healthcheck from './healthcheck.ts';
import hostDevices from './host-devices.ts';
import hostIpc from './host-ipc.ts';
import hostNetwork from './host-network.ts';
import hostNetworkListening from './host-network-listening.ts';
import hostPid from './host-pid.ts';
import hostUserns from './host-userns.ts';
import hostUts from './host-uts.ts';
import imageFreshness from './image-freshness.ts';
import ipv6Unfiltered from './ipv6-unfiltered.ts';
import memoryLimit from './memory-limit.ts';
import localVolume from './local-volume.ts';
import mountPropagation from './mount-propagation.ts';
import noNewPrivileges from './no-new-privileges.ts';
import pidsLimit from './pids-limit.ts';
import portsAllInterfaces from './ports-all-interfaces.ts';
import privileged from './privileged.ts';
import privilegedPorts from './privileged-ports.ts';
import publishedPorts from './published-ports.ts';
import restartPolicy from './restart-policy.ts';
import rootUser from './root-user.ts';
import rootfsWritable from './rootfs-writable.ts';
import seccompUnconfined from './seccomp-unconfined.ts';
import selinux from './selinux.ts';
import sensitiveMounts from './sensitive-mounts.ts';
import sshd from './sshd.ts';
import systempathsUnconfined from './systempaths-unconfined.ts';
import ulimits from './ulimits.ts';

/** Every container rule, listed explicitly (a test checks this list equals the folder), in CIS order; the composite breakout and exposed-path rules last. */
export const containerRules: readonly ContainerRule[] = [
  rootUser,
  apparmor,
  selinux,
  capabilities,
  dangerousCapabilities,
  privileged,
  sensitiveMounts,
  localVolume,
  sshd,
  privilegedPorts,
  publishedPorts,
  hostNetwork,
  hostNetworkListening,
  memoryLimit,
  cpuShares,
  rootfsWritable,
  portsAllInterfaces,
  adminPortExposed,
  ipv6Unfiltered,
  restartPolicy,
  hostPid,
  hostIpc,
  hostDevices,
  ulimits,
  mountPropagation,
  hostUts,
  seccompUnconfined,
  systempathsUnconfined,
  execPrivileged,
  execRoot,
  cgroupParent,
  noNewPrivileges,
  healthcheck,
  imageFreshness,
  pidsLimit,
  defaultBridge,
  hostUserns,
  dockerSocket,
  envSecrets,
  breakoutPath,
  exposedPath,
];
