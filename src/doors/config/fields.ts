import * as v from 'valibot';

/** Field validators every moat.yaml section shares. */

export const nonEmpty = (what: string) => v.pipe(v.string(`${what} must be text`), v.trim(), v.minLength(1, `${what} must not be empty`));

/** `YYYY-MM-DD` that is a real calendar day. */
export const isoDay = v.pipe(
  v.string('expires must be a date written YYYY-MM-DD'),
  v.trim(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'expires must be a date written YYYY-MM-DD'),
  v.check((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'expires is not a calendar date'),
);
