import { daemonRule } from '../../../models/rule.ts';

interface ReleaseLine {
  /** `major.minor` up to 26.1, `major` from 27 on (the project then versioned by major). */
  cycle: string;
  released: string;
  /** End of maintenance; absent while the line is maintained. */
  eol?: string;
}

/**
 * Docker Engine (Moby) release lines and their end of maintenance, from endoflife.date's
 * docker-engine page, which follows the Moby project's BRANCHES-AND-TAGS.md (23.0's date is
 * Mirantis' maintenance end; 25.0 is still maintained for Amazon Linux). Older lines all
 * ended before 2020.
 */
export const RELEASE_LINES: readonly ReleaseLine[] = [
  { cycle: '29', released: '2025-11-10' },
  { cycle: '28', released: '2025-02-20' },
  { cycle: '27', released: '2024-06-25', eol: '2025-05-03' },
  { cycle: '26.1', released: '2024-04-22', eol: '2025-02-17' },
  { cycle: '26.0', released: '2024-03-20', eol: '2024-06-08' },
  { cycle: '25.0', released: '2024-01-19' },
  { cycle: '24.0', released: '2023-05-16', eol: '2024-06-08' },
  { cycle: '23.0', released: '2023-02-02', eol: '2025-05-19' },
  { cycle: '20.10', released: '2020-12-09', eol: '2023-12-10' },
  { cycle: '19.03', released: '2019-07-22', eol: '2021-01-08' },
  { cycle: '18.09', released: '2018-11-08', eol: '2019-08-22' },
];

/** When the table was last checked against its sources. */
export const TABLE_AS_OF = '2026-03-05';

/** How long a "still maintained" entry is trusted without re-checking the sources. */
const TRUST_MS = 548 * 24 * 3600 * 1000;

/** `20.10.24+dfsg1` → 20.10; `v27.3.1` → 27.3; `17.03.2-ce` → 17.3. */
export function parseEngineVersion(v: string): { major: number; minor: number } | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

function cycleOf(c: string): { major: number; minor?: number } {
  const [major, minor] = c.split('.').map(Number);
  return { major: major ?? 0, ...(minor !== undefined ? { minor } : {}) };
}

const compare = (a: { major: number; minor: number }, b: { major: number; minor: number }): number => a.major - b.major || a.minor - b.minor;

export type Support = { line: ReleaseLine; ended: boolean } | { unknown: 'newer' | 'older' | 'gap' };

export function supportOf(version: { major: number; minor: number }, now: Date): Support {
  const line = RELEASE_LINES.find((l) => {
    const c = cycleOf(l.cycle);
    return c.major === version.major && (c.minor === undefined || c.minor === version.minor);
  });
  if (line) return { line, ended: line.eol !== undefined && now.getTime() >= Date.parse(`${line.eol}T00:00:00Z`) };
  const bounds = RELEASE_LINES.map((l) => ({ major: cycleOf(l.cycle).major, minor: cycleOf(l.cycle).minor ?? 0 }));
  if (bounds.every((b) => compare(version, b) > 0)) return { unknown: 'newer' };
  if (bounds.every((b) => compare(version, b) < 0)) return { unknown: 'older' };
  return { unknown: 'gap' };
}

/** Distribution builds (Debian's `+dfsg1`, Ubuntu's `-0ubuntu1`) may carry fixes backported by the vendor. */
function vendorNote(engine: string): string {
  return /dfsg|ubuntu|deb|el\d|fc\d|[+~]/i.test(engine) ? " (this looks like a distribution build, which may carry backported fixes: check the vendor's security support for it)" : '';
}

export default daemonRule({
  meta: {
    id: 'daemon-version-outdated',
    target: 'daemon',
    title: 'Docker Engine release is out of support',
    severity: 'high',
    cis: { id: '1.2.2', automated: false },
    peers: { dockerBench: '1.2.2' },
    rationale:
      `An engine whose release line is no longer maintained gets no security fixes, so known escapes and API flaws stay open. Support ends per release line (endoflife.date/docker-engine, following the Moby project's BRANCHES-AND-TAGS.md; table as of ${TABLE_AS_OF}). docker-bench only compares the version with the current month and passes an unmaintained engine.`,
    remediation:
      "Upgrade Docker Engine to a maintained release line (see the release notes) and keep it on the newest patch release; check what runs with `docker version --format '{{.Server.Version}}'`. Distribution packages follow their vendor's support policy.",
    cwe: ['CWE-1104'],
    urls: ['https://endoflife.date/docker-engine', 'https://github.com/moby/moby/blob/master/project/BRANCHES-AND-TAGS.md', 'https://docs.docker.com/engine/release-notes/'],
  },
  check({ daemon, now }) {
    const engine = daemon.version.engine;
    const at = { path: '/version.Version' };
    const parsed = parseEngineVersion(engine);
    if (!parsed) return [{ message: `the engine reports version ${JSON.stringify(engine)}, which Moat cannot place in a release line: check that it is supported`, at, evidence: `Version: ${engine}`, severity: 'info' }];
    const s = supportOf(parsed, now);
    if ('unknown' in s) {
      if (s.unknown === 'newer') return [];
      if (s.unknown === 'older') {
        return [{ message: `Docker Engine ${engine} predates every maintained release line: it gets no security fixes; upgrade${vendorNote(engine)}`, at, evidence: `Version: ${engine}` }];
      }
      return [{ message: `Docker Engine ${engine} is not a release line Moat knows: check that it is supported`, at, evidence: `Version: ${engine}; table as of ${TABLE_AS_OF}`, severity: 'info' }];
    }
    const evidence = `Version: ${engine}; release line ${s.line.cycle}, end of support ${s.line.eol ?? 'not announced'} (as of ${TABLE_AS_OF})`;
    if (s.ended) {
      return [{ message: `Docker Engine ${engine} (release line ${s.line.cycle}) went out of support on ${s.line.eol}: it gets no security fixes; upgrade to a maintained release${vendorNote(engine)}`, at, evidence }];
    }
    if (s.line.eol === undefined && now.getTime() - Date.parse(`${TABLE_AS_OF}T00:00:00Z`) > TRUST_MS) {
      return [{ message: `release line ${s.line.cycle} was maintained on ${TABLE_AS_OF}, the date of Moat's release table; check that it still is`, at, evidence, severity: 'info' }];
    }
    return [];
  },
});
