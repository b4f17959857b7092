import type { DockerfileRule } from '../rule.ts';
import aptCli from './apt-cli.ts';
import aptLists from './apt-lists.ts';
import aptNoYes from './apt-no-yes.ts';
import aptRecommends from './apt-recommends.ts';
import aptUnpinned from './apt-unpinned.ts';
import baseLatest from './base-latest.ts';
import baseUntagged from './base-untagged.ts';
import cd from './cd.ts';
import healthcheckMultiple from './healthcheck-multiple.ts';
import lastUserRoot from './last-user-root.ts';
import pipefail from './pipefail.ts';
import pointlessCommand from './pointless-command.ts';
import portInvalid from './port-invalid.ts';
import sudo from './sudo.ts';
import workdirRelative from './workdir-relative.ts';

/** Every Dockerfile rule, listed explicitly (a test checks this list equals the folder). */
export const dockerfileRules: readonly DockerfileRule[] = [aptCli, aptLists, aptNoYes, aptRecommends, aptUnpinned, baseLatest, baseUntagged, cd, healthcheckMultiple, lastUserRoot, pipefail, pointlessCommand, portInvalid, sudo, workdirRelative];
