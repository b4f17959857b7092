/**
 * Platforms in OCI terms (`os/arch[/variant]`), normalised as containerd does, shared by every
 * door that chooses one image of a multi-platform index (registry, OCI layout, archive).
 */
/** `os/arch[/variant]` as `docker --platform` takes it, normalised as containerd does. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', i686: '386' };
/** Node's process.arch names → OCI's GOARCH names. */
const NODE_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };

export function normalizePlatform(p: { os: string; architecture: string; variant?: string | null }): Platform {
  const arch = p.architecture.toLowerCase();
  const architecture = ARCH_ALIASES[arch] ?? arch;
  let variant = p.variant?.toLowerCase() || (arch === 'armel' ? 'v6' : undefined);
  // containerd accepts "arm64/8" and "arm/7" for v8 and v7.
  if ((architecture === 'arm' || architecture === 'arm64') && variant && /^\d$/.test(variant)) variant = `v${variant}`;
  return { os: p.os.toLowerCase(), architecture, ...(variant ? { variant } : {}) };
}

/** This machine's platform, the default like `docker pull`'s. */
export function hostPlatform(): Platform {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return normalizePlatform({ os, architecture: NODE_ARCH[process.arch] ?? process.arch });
}

export function formatPlatform(p: { os: string; architecture: string; variant?: string | null }): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}
