import type { ImageRule } from '../rule.ts';
import addInstruction from './add-instruction.ts';
import healthcheck from './healthcheck.ts';
import packages from './packages.ts';
import scanRebuild from './scan-rebuild.ts';
import secrets from './secrets.ts';
import setuid from './setuid.ts';
import signedArtifacts from './signed-artifacts.ts';
import trustedBase from './trusted-base.ts';
import updateAlone from './update-alone.ts';
import user from './user.ts';
import verifiedPackages from './verified-packages.ts';

/** Every image rule, listed explicitly (a test checks this list equals the folder), in CIS order. */
export const imageRules: readonly ImageRule[] = [user, trustedBase, packages, scanRebuild, healthcheck, updateAlone, setuid, addInstruction, secrets, verifiedPackages, signedArtifacts];
