/**
 * moat.yaml's `enforce:` applied to findings: which deny, which are only logged, and which
 * an exception lets through. Exceptions by image or label are claims the requester makes
 * about itself (anyone can label a container or name an image `portainer/agent`); only
 * `user` is an identity the daemon vouches for, and only with TLS client certificates.
 */
import { globToRegExp } from '../../util/glob.ts';
import { imageForms } from '../../models/image-ref.ts';
import type { EnforceConfig, EnforceException } from '../../doors/config/enforce.ts';
import { severityRank, type Severity } from '../../models/finding.ts';

export type Action = 'deny' | 'log';

export function actionFor(policy: EnforceConfig, ruleId: string, severity: Severity): Action {
  if (policy.log.ids.has(ruleId)) return 'log';
  if (policy.deny.ids.has(ruleId)) return 'deny';
  const min = policy.deny.minSeverity;
  return min !== undefined && severityRank(severity) >= severityRank(min) ? 'deny' : 'log';
}

export interface ExceptionSubject {
  image?: string;
  labels: Readonly<Record<string, string>>;
  user: string;
}

/** The first live exception that covers this rule for this subject. */
export function exceptionFor(policy: EnforceConfig, ruleId: string, subject: ExceptionSubject, now: Date): EnforceException | undefined {
  return policy.exceptions.find((ex) => {
    if (ex.rules.length > 0 && !ex.rules.includes(ruleId)) return false;
    if (ex.expires !== undefined && now.getTime() >= Date.parse(`${ex.expires}T00:00:00Z`) + 24 * 3600 * 1000) return false;
    if (ex.image !== undefined) {
      const re = globToRegExp(ex.image);
      if (!subject.image || !imageForms(subject.image).some((f) => re.test(f))) return false;
    }
    if (ex.label !== undefined) {
      const eq = ex.label.indexOf('=');
      const key = eq < 0 ? ex.label : ex.label.slice(0, eq);
      if (!Object.hasOwn(subject.labels, key)) return false;
      if (eq >= 0 && subject.labels[key] !== ex.label.slice(eq + 1)) return false;
    }
    if (ex.user !== undefined && !globToRegExp(ex.user).test(subject.user)) return false;
    return true;
  });
}

