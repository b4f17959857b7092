import type { ContainerRule } from '../rule.ts';
import hostIpc from './host-ipc.ts';
import hostNetwork from './host-network.ts';
import hostPid from './host-pid.ts';
import hostUserns from './host-userns.ts';
import hostUts from './host-uts.ts';
import dockerSocket from './docker-socket.ts';
import memoryLimit from './memory-limit.ts';
import pidsLimit from './pids-limit.ts';
import privileged from './privileged.ts';
import rootfsWritable from './rootfs-writable.ts';
import seccompUnconfined from './seccomp-unconfined.ts';

/** Every container rule, listed explicitly (a test checks this list equals the folder). */
export const containerRules: readonly ContainerRule[] = [privileged, hostNetwork, hostPid, hostIpc, hostUts, hostUserns, seccompUnconfined, dockerSocket, memoryLimit, rootfsWritable, pidsLimit];
