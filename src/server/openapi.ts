export function openApiDocument(): object {
  return { openapi: '3.1.0', info: { title: 'moat serve', version: '1' }, paths: {} };
}
