import { daemonRule } from '../../../models/rule.ts';
import { optionOrInfoAt } from './support/options.ts';

/** Drivers that keep logs only in files on this host. */
const LOCAL_ONLY = new Set(['json-file', 'local']);

export default daemonRule({
  meta: {
    id: 'daemon-remote-logging',
    target: 'daemon',
    title: 'Container logs are not sent to a central log service',
    severity: 'medium',
    cis: { id: '2.13', automated: true, ids: { 'cis-1.8.0': '2.14' } },
    peers: { dockerBench: '2.13' },
    rationale:
      'Logs kept only on the host are lost with it and can be erased by whoever compromises it; a central service keeps them for investigation and alerting. docker-bench flags only json-file; `local` keeps logs on the host just the same, and `none` discards them.',
    remediation:
      'Set `log-driver` in daemon.json (or `--log-driver`) to a driver that ships logs off the host (syslog, journald forwarded by the host, gelf, fluentd, awslogs, splunk, gcplogs...), with its destination in `log-opts` (`--log-opt`), e.g. `--log-driver=syslog --log-opt syslog-address=tcp://logs.example:514`.',
    cwe: ['CWE-778'],
    urls: ['https://docs.docker.com/engine/logging/configure/'],
  },
  check({ daemon }) {
    // /info reports the default driver the running daemon uses, for a remote daemon too.
    const driver = daemon.info.loggingDriver;
    const at = optionOrInfoAt(daemon, 'log-driver', 'LoggingDriver');
    const evidence = `LoggingDriver: ${driver}`;
    if (driver === 'none') return [{ message: 'the default log driver is none: container output is discarded', at, evidence }];
    if (LOCAL_ONLY.has(driver)) return [{ message: `the default log driver is ${driver}: container logs stay in files on this host`, at, evidence }];
    return [];
  },
});
