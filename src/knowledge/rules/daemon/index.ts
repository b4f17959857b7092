import type { DaemonRule } from '../../../models/rule.ts';
import aufs from './aufs.ts';
import devicemapper from './devicemapper.ts';
import imageSprawl from './image-sprawl.ts';
import containerSprawl from './container-sprawl.ts';
import authorizationPlugin from './authorization-plugin.ts';
import baseDeviceSize from './base-device-size.ts';
import cgroupParent from './cgroup-parent.ts';
import defaultBridgeShared from './default-bridge-shared.ts';
import defaultUlimit from './default-ulimit.ts';
import experimental from './experimental.ts';
import icc from './icc.ts';
import insecureRegistries from './insecure-registries.ts';
import iptables from './iptables.ts';
import liveRestore from './live-restore.ts';
import logLevel from './log-level.ts';
import noNewPrivileges from './no-new-privileges.ts';
import remoteLogging from './remote-logging.ts';
import rootless from './rootless.ts';
import seccompProfile from './seccomp-profile.ts';
import swarmMode from './swarm-mode.ts';
import swarmManagers from './swarm-managers.ts';
import swarmListenInterface from './swarm-listen-interface.ts';
import swarmOverlayEncrypted from './swarm-overlay-encrypted.ts';
import swarmSecrets from './swarm-secrets.ts';
import swarmAutolock from './swarm-autolock.ts';
import swarmAutolockRotation from './swarm-autolock-rotation.ts';
import swarmNodeCertExpiry from './swarm-node-cert-expiry.ts';
import swarmCaRotation from './swarm-ca-rotation.ts';
import tls from './tls.ts';
import userlandProxy from './userland-proxy.ts';
import userns from './userns.ts';
import versionOutdated from './version-outdated.ts';

/** Every daemon rule, listed explicitly (a test checks this list equals the folder), in benchmark order. */
export const daemonRules: readonly DaemonRule[] = [
  versionOutdated,
  rootless,
  icc,
  defaultBridgeShared,
  logLevel,
  iptables,
  insecureRegistries,
  aufs,
  devicemapper,
  tls,
  defaultUlimit,
  userns,
  cgroupParent,
  baseDeviceSize,
  authorizationPlugin,
  remoteLogging,
  noNewPrivileges,
  liveRestore,
  userlandProxy,
  seccompProfile,
  experimental,
  swarmMode,
  swarmManagers,
  swarmListenInterface,
  swarmOverlayEncrypted,
  swarmSecrets,
  swarmAutolock,
  swarmAutolockRotation,
  swarmNodeCertExpiry,
  swarmCaRotation,
  imageSprawl,
  containerSprawl,
];
