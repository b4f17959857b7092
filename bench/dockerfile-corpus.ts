/**
 * A deterministic corpus of realistic Dockerfiles (no network here to fetch a real one):
 * the shapes real repositories have — multi-stage Go and Node builds, Debian and Alpine
 * package installs in long continued RUNs, Python with pip, heredocs, cache mounts,
 * ONBUILD, ARG before FROM, comments inside continuations — mixed by a seeded generator so
 * every file differs. Used by the lint benchmark and by a test that every file lints.
 */

/** Park-Miller: same seed, same corpus, on every machine. */
function rng(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

const DEBIAN_PKGS = ['curl', 'ca-certificates', 'git', 'openssh-client', 'build-essential', 'libpq-dev', 'python3', 'python3-venv', 'gnupg', 'unzip', 'jq', 'tzdata', 'locales', 'libssl-dev', 'pkg-config'];
const ALPINE_PKGS = ['curl', 'bash', 'git', 'openssl', 'ca-certificates', 'tini', 'su-exec', 'libstdc++', 'icu-libs', 'tzdata'];
const PIP_PKGS = ['flask', 'gunicorn', 'requests', 'psycopg2-binary', 'celery', 'redis', 'boto3', 'pydantic', 'uvicorn', 'sqlalchemy'];
const NPM_PKGS = ['pm2', 'typescript', 'node-gyp', 'yarn', 'serve'];

export function generateCorpus(count: number, seed = 42): { name: string; text: string }[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const some = <T>(xs: readonly T[], min: number, max: number): T[] => xs.filter(() => r() < 0.5).slice(0, min + Math.floor(r() * (max - min + 1))).concat(xs.slice(0, min)).filter((x, i, a) => a.indexOf(x) === i);
  const pinned = (p: string): string => (r() < 0.5 ? `${p}=${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 9)}-1` : p);
  const out: { name: string; text: string }[] = [];
  for (let n = 0; n < count; n++) {
    const kind = pick(['go', 'node', 'python', 'debian', 'alpine', 'java', 'nginx'] as const);
    const L: string[] = [];
    if (r() < 0.3) L.push('# syntax=docker/dockerfile:1.7');
    L.push(`# ${kind} service ${n}: built by CI, see docs/build.md`);
    if (r() < 0.5) L.push(`ARG BASE_TAG=${pick(['12-slim', 'bookworm', '3.20', '22-alpine', 'latest'])}`);
    if (kind === 'go') {
      L.push(`FROM golang:1.${20 + Math.floor(r() * 4)} AS build`, 'WORKDIR /src', 'COPY go.mod go.sum ./', 'RUN --mount=type=cache,target=/go/pkg/mod go mod download');
      L.push('COPY . .', 'RUN --mount=type=cache,target=/root/.cache/go-build \\', '    CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app');
      L.push(`FROM ${pick(['gcr.io/distroless/static:nonroot', 'alpine:3.20', 'scratch', 'debian:12-slim'])}`, 'COPY --from=build /out/app /app');
      if (r() < 0.6) L.push('USER 65532:65532');
      L.push('ENTRYPOINT ["/app"]');
    } else if (kind === 'node') {
      L.push(`FROM node:${pick(['20', '22-alpine', 'lts', 'latest'])} AS deps`, 'WORKDIR /app', 'COPY package.json package-lock.json ./', r() < 0.5 ? 'RUN npm ci --omit=dev' : `RUN npm install && npm install -g ${pick(NPM_PKGS)}`);
      L.push('FROM deps AS build', 'COPY . .', 'RUN npm run build \\', '    # type check too', '    && npm test');
      L.push(`FROM node:${pick(['20-slim', '22-alpine'])}`, 'ENV NODE_ENV=production PORT=3000', 'WORKDIR /app', 'COPY --from=deps /app/node_modules ./node_modules', 'COPY --from=build /app/dist ./dist', 'EXPOSE 3000');
      L.push(r() < 0.5 ? 'USER node' : 'USER root', r() < 0.5 ? 'CMD ["node", "dist/server.js"]' : 'CMD node dist/server.js');
    } else if (kind === 'python') {
      L.push(`FROM python:3.${10 + Math.floor(r() * 3)}-slim`, 'ENV PYTHONDONTWRITEBYTECODE=1 \\', '    PYTHONUNBUFFERED=1');
      L.push('RUN apt-get update \\', `    && apt-get install -y ${r() < 0.5 ? '--no-install-recommends ' : ''}\\`, ...some(DEBIAN_PKGS, 2, 5).map((p) => `       ${pinned(p)} \\`), '    && rm -rf /var/lib/apt/lists/*');
      L.push('WORKDIR /srv', 'COPY requirements.txt .', `RUN pip install ${r() < 0.5 ? '--no-cache-dir ' : ''}-r requirements.txt${r() < 0.4 ? ` ${pick(PIP_PKGS)}` : ''}`);
      L.push('COPY . .', 'RUN useradd --uid 10001 --no-create-home app && chown -R app /srv', 'USER app', 'HEALTHCHECK --interval=30s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/health\')"]');
      L.push('CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]');
    } else if (kind === 'debian') {
      L.push(`FROM debian:\${BASE_TAG:-12-slim}`, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]');
      L.push('RUN set -eux; \\', '    apt-get update; \\', `    apt-get install -y ${r() < 0.5 ? '--no-install-recommends' : ''} ${some(DEBIAN_PKGS, 2, 6).map(pinned).join(' ')}; \\`, '    if [ "$(dpkg --print-architecture)" = "amd64" ]; then \\', '        curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin; \\', '    fi; \\', '    rm -rf /var/lib/apt/lists/*');
      L.push('RUN <<EOF', 'set -e', 'groupadd --gid 10001 app', 'useradd --uid 10001 --gid app --shell /bin/false app', 'mkdir -p /data && chown app:app /data', 'EOF');
      L.push('COPY --chown=app:app entrypoint.sh /usr/local/bin/', 'COPY <<-"CONF" /etc/app/app.conf', '\tlisten = 0.0.0.0:8080', '\tdata = /data', '\tCONF');
      L.push('VOLUME /data', 'EXPOSE 8080', 'USER app', 'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]');
    } else if (kind === 'alpine') {
      if (r() < 0.3) L.push('FROM alpine:3.20 AS tools', 'RUN wget -qO- https://example.com/install.sh | sh');
      L.push(`FROM alpine:${pick(['3.19', '3.20', 'latest'])}`, `RUN apk add ${r() < 0.6 ? '--no-cache ' : ''}${some(ALPINE_PKGS, 2, 5).map((p) => (r() < 0.5 ? `${p}=1.${Math.floor(r() * 9)}-r0` : p)).join(' ')}`);
      L.push('RUN addgroup -S app && adduser -S -G app app', 'WORKDIR /opt/app', r() < 0.3 ? 'ADD app.tar.gz /opt/app/' : 'COPY app/ /opt/app/', r() < 0.2 ? 'ADD https://example.com/config.json /etc/app/' : 'COPY config.json /etc/app/');
      L.push('ONBUILD COPY . /opt/app/src', 'ONBUILD RUN make -C /opt/app/src', 'USER app', 'ENTRYPOINT ["/sbin/tini", "--"]', 'CMD ["/opt/app/run"]');
    } else if (kind === 'java') {
      L.push('FROM maven:3.9-eclipse-temurin-21 AS build', 'WORKDIR /build', 'COPY pom.xml .', 'RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline', 'COPY src ./src', 'RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests');
      L.push('FROM eclipse-temurin:21-jre', 'RUN groupadd -r app && useradd -r -g app app', 'COPY --from=build /build/target/*.jar /app/app.jar', 'USER app', 'EXPOSE 8080', 'HEALTHCHECK CMD curl -f http://localhost:8080/actuator/health || exit 1', 'ENTRYPOINT ["java", "-jar", "/app/app.jar"]');
    } else {
      L.push(`FROM nginx:${pick(['1.27-alpine', 'stable', 'latest'])}`, 'LABEL org.opencontainers.image.source="https://example.com/site" \\', '      maintainer="web team"');
      L.push('RUN rm -rf /usr/share/nginx/html/* && \\', '    chmod -R 755 /var/cache/nginx', 'COPY nginx.conf /etc/nginx/nginx.conf', 'COPY dist/ /usr/share/nginx/html/', 'EXPOSE 80', r() < 0.2 ? 'EXPOSE 22' : '# no ssh', 'CMD ["nginx", "-g", "daemon off;"]');
    }
    out.push({ name: `${String(n).padStart(4, '0')}-${kind}.Dockerfile`, text: L.join('\n') + '\n' });
  }
  return out;
}

const IMAGES = ['postgres:16', 'redis:7-alpine', 'nginx:1.27', 'registry.example.com/team/api:2.4.1', 'grafana/grafana:11.2.0', 'traefik:v3.1', 'node:22-alpine', 'python:3.12-slim'];

/**
 * Compose files of the shapes real projects have: several services, anchors and merge keys
 * for shared settings, `${VAR:-default}` interpolation, profiles, healthchecks, and a share of
 * the risky settings (privileged, the engine socket, host network, added capabilities) that the
 * container rules exist for.
 */
export function generateComposeCorpus(count: number, seed = 7): { name: string; text: string }[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const out: { name: string; text: string }[] = [];
  for (let n = 0; n < count; n++) {
    const L: string[] = [`# stack ${n}`, 'x-common: &common', '  restart: unless-stopped', '  logging:', '    driver: json-file', '    options: { max-size: "10m", max-file: "3" }', 'services:'];
    const services = 2 + Math.floor(r() * 5);
    for (let s = 0; s < services; s++) {
      L.push(`  svc${s}:`, '    <<: *common', `    image: ${pick(IMAGES)}`);
      if (r() < 0.5) L.push('    ports:', `      - "${r() < 0.6 ? '127.0.0.1:' : ''}\${PORT_${s}:-${8000 + s}}:${80 + s}"`);
      if (r() < 0.6) L.push('    environment:', '      TZ: UTC', `      DATABASE_URL: \${DATABASE_URL:-postgres://app@db:5432/app}`);
      if (r() < 0.5) L.push('    volumes:', `      - data${s}:/var/lib/data`, ...(r() < 0.15 ? ['      - /var/run/docker.sock:/var/run/docker.sock'] : []), ...(r() < 0.3 ? ['      - ./config:/etc/app:ro'] : []));
      if (r() < 0.1) L.push('    privileged: true');
      if (r() < 0.1) L.push('    network_mode: host');
      if (r() < 0.2) L.push('    cap_add: [NET_ADMIN]');
      if (r() < 0.5) L.push('    cap_drop: [ALL]', '    read_only: true', '    security_opt: ["no-new-privileges:true"]');
      if (r() < 0.4) L.push(`    user: "${1000 + s}:${1000 + s}"`);
      if (r() < 0.4) L.push('    mem_limit: 512m', '    pids_limit: 200');
      if (r() < 0.4) L.push('    healthcheck:', '      test: ["CMD", "wget", "-qO-", "http://localhost/health"]', '      interval: 30s');
      if (r() < 0.2) L.push('    profiles: [debug]');
      if (s > 0 && r() < 0.5) L.push('    depends_on: [svc0]');
    }
    L.push('volumes:', ...Array.from({ length: services }, (_, s) => `  data${s}: {}`));
    out.push({ name: `compose-${String(n).padStart(4, '0')}.yaml`, text: L.join('\n') + '\n' });
  }
  return out;
}

const OFFICIAL = ['postgres', 'redis', 'nginx', 'php', 'httpd', 'memcached', 'mariadb', 'rabbitmq', 'haproxy', 'ruby'] as const;

/**
 * Dockerfiles shaped like the official images' (docker-library): about 65 lines on average,
 * version ARGs and ENVs, a GPG key import, one or two long `RUN set -eux; ...` chains with
 * `&&`, `;` and `\` continuations (apt-mark bookkeeping, an architecture `case`, a download
 * checked with sha256sum, a configure/make build, cleanup), a heredoc, COPY, and the usual
 * ENTRYPOINT/STOPSIGNAL/EXPOSE/CMD tail. The issue's "real-world-shaped" benchmark input.
 */
export function generateRealWorldCorpus(count: number, seed = 1234): { name: string; text: string }[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const distinct = (xs: readonly string[], lo: number, hi: number): string[] => [...new Set(Array.from({ length: int(lo, hi) }, () => pick(xs)))];
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const out: { name: string; text: string }[] = [];
  for (let n = 0; n < count; n++) {
    const app = pick(OFFICIAL);
    const APP = app.toUpperCase();
    const alpine = r() < 0.3;
    const version = `${int(1, 17)}.${int(0, 12)}.${int(0, 30)}`;
    const L: string[] = [
      ...(r() < 0.5 ? ['#', '# NOTE: THIS DOCKERFILE IS GENERATED VIA "apply-templates.sh"', '#', '# PLEASE DO NOT EDIT IT DIRECTLY.', '#', ''] : []),
      `FROM ${alpine ? `alpine:3.${int(18, 21)}` : `debian:${pick(['bookworm', 'bullseye', 'trixie'])}-slim`}`,
      '',
      `# explicitly set user/group IDs`,
      alpine
        ? `RUN set -eux; \\\n\taddgroup -g ${int(70, 999)} -S ${app}; \\\n\tadduser -u ${int(70, 999)} -S -D -G ${app} -H -h /var/lib/${app} -s /bin/sh ${app}; \\\n\tmkdir -p /var/lib/${app}; \\\n\tchown -R ${app}:${app} /var/lib/${app}`
        : `RUN set -eux; \\\n\tgroupadd -r ${app} --gid=${int(900, 999)}; \\\n\tuseradd -r -g ${app} --uid=${int(900, 999)} --home-dir=/var/lib/${app} --shell=/bin/bash ${app}; \\\n\tinstall --verbose --directory --owner ${app} --group ${app} --mode 1777 /var/lib/${app}`,
      '',
    ];
    if (!alpine && r() < 0.35) {
      L.push(
        'RUN set -ex; \\',
        '\tapt-get update; \\',
        '\tapt-get install -y --no-install-recommends \\',
        ...distinct(['gnupg', 'less', 'tzdata', 'libnss-wrapper', 'xz-utils', 'zstd', 'ca-certificates', 'wget', 'procps'], 2, 5).map((p) => `\t\t${p} \\`),
        '\t; \\',
        '\trm -rf /var/lib/apt/lists/*',
        '',
      );
    }
    if (!alpine && r() < 0.15) {
      L.push(
        `ENV GOSU_VERSION 1.${int(12, 17)}`,
        'RUN set -eux; \\',
        '\tsavedAptMark="$(apt-mark showmanual)"; \\',
        '\tapt-get update; \\',
        '\tapt-get install -y --no-install-recommends ca-certificates wget; \\',
        '\trm -rf /var/lib/apt/lists/*; \\',
        '\tdpkgArch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')"; \\',
        '\twget -O /usr/local/bin/gosu "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$dpkgArch"; \\',
        '\twget -O /usr/local/bin/gosu.asc "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$dpkgArch.asc"; \\',
        '\texport GNUPGHOME="$(mktemp -d)"; \\',
        `\tgpg --batch --keyserver hkps://keys.openpgp.org --recv-keys ${hex(40).toUpperCase()}; \\`,
        '\tgpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu; \\',
        '\tgpgconf --kill all; \\',
        '\trm -rf "$GNUPGHOME" /usr/local/bin/gosu.asc; \\',
        '\tapt-mark auto \'.*\' > /dev/null; \\',
        '\t[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; \\',
        '\tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\',
        '\tchmod +x /usr/local/bin/gosu; \\',
        '\tgosu --version; \\',
        '\tgosu nobody true',
        '',
      );
    }
    L.push(`ARG ${APP}_VERSION=${version}`, `ENV ${APP}_VERSION ${version}`, `ENV ${APP}_DOWNLOAD_URL https://download.example.org/${app}/${app}-${version}.tar.gz`, `ENV ${APP}_DOWNLOAD_SHA256 ${hex(64)}`, '');
    L.push(
      'RUN set -eux; \\',
      '\t\\',
      alpine ? `\tapk add --no-cache --virtual .build-deps \\` : '\tsavedAptMark="$(apt-mark showmanual)"; \\',
      ...(alpine ? [] : ['\tapt-get update; \\', '\tapt-get install -y --no-install-recommends \\']),
      ...distinct(['gcc', 'make', 'dpkg-dev', 'libc6-dev', 'libssl-dev', 'wget', 'ca-certificates', 'pkg-config', 'autoconf', 'bison', 'libxml2-dev', 'zlib1g-dev', 'patch'], 3, 7).map((p) => `\t\t${p} \\`),
      '\t; \\',
      ...(alpine ? [] : ['\trm -rf /var/lib/apt/lists/*; \\']),
      '\t\\',
      `\twget -O ${app}.tar.gz "$${APP}_DOWNLOAD_URL"; \\`,
      `\techo "$${APP}_DOWNLOAD_SHA256 *${app}.tar.gz" | sha256sum -c -; \\`,
      `\tmkdir -p /usr/src/${app}; \\`,
      `\ttar -xzf ${app}.tar.gz -C /usr/src/${app} --strip-components=1; \\`,
      `\trm ${app}.tar.gz; \\`,
      '\t\\',
      // Half build from source (an architecture case, configure, make); the rest unpack a release.
      ...(r() < 0.45
        ? [
          '\tarch="$(uname -m)"; \\',
          '\tcase "$arch" in \\',
          "\t\taarch64) extraConfig='--with-lg-page=16' ;; \\",
          "\t\tx86_64) extraConfig='--enable-sse' ;; \\",
          "\t\t*) extraConfig='' ;; \\",
          '\tesac; \\',
          `\tcd /usr/src/${app}; \\`,
          `\tgnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE 2>/dev/null || echo unknown)"; \\`,
          '\t./configure \\',
          '\t\t--build="$gnuArch" \\',
          `\t\t--prefix=/usr/local \\`,
          ...distinct(['ssl', 'zlib', 'debug', 'threads', 'ipv6', 'systemd', 'lua', 'pcre2'], 1, 4).map((f) => `\t\t--${pick(['enable', 'with', 'disable'])}-${f} \\`),
          '\t\t$extraConfig \\',
          '\t; \\',
          '\tnproc="$(nproc)"; \\',
          '\tmake -j "$nproc"; \\',
          '\tmake install; \\',
          ]
        : [`\tcp -a /usr/src/${app}/bin/. /usr/local/bin/; \\`]),
      `\tcd /; \\`,
      `\trm -rf /usr/src/${app}; \\`,
      '\t\\',
      alpine
        ? `\trunDeps="$( scanelf --needed --nobanner --format '%n#p' --recursive /usr/local | tr ',' '\\n' | sort -u | awk 'system("[ -e /usr/local/lib/" $1 " ]") == 0 { next } { print "so:" $1 }' )"; \\\n\tapk add --no-network --virtual .${app}-rundeps $runDeps; \\\n\tapk del --no-network .build-deps; \\`
        : `\tapt-mark auto '.*' > /dev/null; \\\n\t[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; \\\n\tfind /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\\n", so }' | sort -u | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual; \\\n\tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\`,
      '\t\\',
      `\t${app} --version`,
      '',
    );
    if (r() < 0.4) {
      L.push(`COPY <<EOF /etc/${app}/${app}.conf`, `# ${app} configuration`, `listen 0.0.0.0:${int(1000, 9999)}`, `dir /var/lib/${app}`, `max_connections ${int(10, 1000)}`, 'EOF', '');
    }
    L.push(`RUN mkdir /docker-entrypoint-initdb.d && chown -R ${app}:${app} /var/lib/${app} && chmod 1777 /var/lib/${app}`, `VOLUME /var/lib/${app}`, '', 'COPY docker-entrypoint.sh /usr/local/bin/', 'ENTRYPOINT ["docker-entrypoint.sh"]', '');
    if (r() < 0.5) L.push('STOPSIGNAL SIGINT', '');
    L.push(`EXPOSE ${int(1000, 9999)}`, `CMD ["${app}"]`);
    out.push({ name: `${String(n).padStart(4, '0')}-${app}.Dockerfile`, text: L.join('\n') + '\n' });
  }
  return out;
}
