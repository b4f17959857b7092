import type { ImageRule } from '../../../models/rule.ts';
import addInstruction from './add-instruction.ts';
import exposeSsh from './expose-ssh.ts';
import healthcheck from './healthcheck.ts';
import packages from './packages.ts';
import scanRebuild from './scan-rebuild.ts';
import secretFiles from './secret-files.ts';
import secrets from './secrets.ts';
import setuid from './setuid.ts';
import signedArtifacts from './signed-artifacts.ts';
import trustedBase from './trusted-base.ts';
import unneededTools from './unneeded-tools.ts';
import updateAlone from './update-alone.ts';
import user from './user.ts';
import verifiedPackages from './verified-packages.ts';
import worldWritable from './world-writable.ts';

/** Every image rule, listed explicitly (a test checks this list equals the folder), in CIS order. */
export const imageRules: readonly ImageRule[] = [user, trustedBase, packages, unneededTools, scanRebuild, healthcheck, updateAlone, setuid, worldWritable, addInstruction, secrets, secretFiles, verifiedPackages, signedArtifacts, exposeSsh];
