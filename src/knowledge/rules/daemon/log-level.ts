import { daemonRule, type Issue } from '../../../models/rule.ts';
import { boolValue, evidenceOf, optionOf, remote } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-log-level',
    target: 'daemon',
    title: 'Docker daemon log level is not info',
    severity: 'low',
    cis: { id: '2.3', automated: true },
    peers: { dockerBench: '2.3' },
    rationale:
      'At `info` the daemon records the events an investigation needs without the detail of `debug`, which floods the log and can record request contents. Levels above `info` (warn, error, fatal) drop events that matter.',
    remediation: 'Set `"log-level": "info"` in daemon.json (or `--log-level=info`), or remove it so the default (info) applies; also remove `"debug": true` (`-D`, `--debug`), which forces the debug level.',
    cwe: ['CWE-778'],
    urls: ['https://docs.docker.com/reference/cli/dockerd/'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const issues: Issue[] = [];
    const debug = optionOf(daemon, 'debug');
    if (debug && boolValue(debug) === true) {
      issues.push({ message: 'debug mode is on, which sets the log level to debug whatever log-level says', at: debug.at, evidence: evidenceOf(debug) });
    }
    const o = optionOf(daemon, 'log-level');
    const level = typeof o?.value === 'string' ? o.value.trim().toLowerCase() : undefined;
    if (o && level !== 'info' && level !== '') {
      const why =
        level === 'debug' || level === 'trace'
          ? 'verbose logs bury what matters and can record request contents'
          : 'the daemon no longer records the informational events an investigation needs';
      issues.push({ message: `log-level is ${JSON.stringify(o.value)}, not info: ${why}`, at: o.at, evidence: evidenceOf(o) });
    }
    return issues;
  },
});
