import type { ToolCategory } from '../../../models/image-spec.ts';
import type { Severity } from '../../../models/finding.ts';
import { imageRule, type Issue } from '../../../models/rule.ts';
import { listPaths } from './support/files.ts';
import { imageName } from './support/subject.ts';

const CATEGORIES: ReadonlyArray<{ category: ToolCategory; what: string; severity: Severity }> = [
  { category: 'sshd', what: 'an SSH server', severity: 'low' },
  { category: 'package-manager', what: 'package managers', severity: 'low' },
  { category: 'compiler', what: 'compilers', severity: 'low' },
  // Most images still carry a shell for their entrypoint scripts: a hint, not a fault.
  { category: 'shell', what: 'shells', severity: 'info' },
];

export default imageRule({
  meta: {
    id: 'image-unneeded-tools',
    target: 'image',
    title: 'Final image holds tools it rarely needs (minimisation hints)',
    severity: 'low',
    cis: { id: '4.3', automated: false },
    peers: { dockerBench: '4.3' },
    rationale:
      "An SSH server, a package manager (apt, dpkg, apk, yum, dnf, rpm, pip, npm), a compiler (gcc, cc, clang, go, rustc, javac) or a shell in the final image is what an attacker who gets code execution uses next: to install tools, build exploits or script. Moat looks for them in the usual executable directories (/bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin...) and reports one finding per category with the paths that prove it: low for SSH servers, package managers and compilers, info for shells. Needs the image's files (`moat scan`); not applicable in `moat audit`.",
    remediation: 'Use a multi-stage build and copy only the application into a minimal final stage (distroless, `-slim`, or `FROM scratch` for static binaries); remove package managers and shells from the final stage when nothing runs them.',
    cwe: ['CWE-1104'],
    // Judged from the file tree alone: these also run on a root file system, which has no image configuration.
    needs: ['files'],
  },
  check({ image }) {
    const files = image.files;
    if (!files) return { notApplicable: "the image's files were not read (run moat scan IMAGE)" };
    const out: Issue[] = [];
    for (const c of CATEGORIES) {
      const tools = files.tools.filter((t) => t.category === c.category);
      if (tools.length === 0) continue;
      const paths = tools.flatMap((t) => t.paths);
      out.push({ message: `${imageName(image)} holds ${c.what}: ${tools.map((t) => t.name).join(', ')} (${listPaths(paths, 3)})`, severity: c.severity, at: { path: `/${paths[0]}` }, evidence: tools.map((t) => `${t.name}: ${t.paths.map((p) => `/${p}`).join(', ')}`).join('\n') });
    }
    return out;
  },
});
