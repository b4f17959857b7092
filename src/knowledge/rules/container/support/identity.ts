import type { ContainerSpec } from '../../../../models/container-spec.ts';
import type { Location } from '../../../../models/location.ts';
import { hasSecurityOption } from '../../daemon/support/options.ts';
import type { ContainerFacts } from '../../../../models/rule.ts';

/**
 * Whether the spec already holds the image's defaults (USER, HEALTHCHECK): the engine
 * merges them into a container's `Config` at create, so an inspected container that
 * shows none has none. At the other doors an unset field means "whatever the image says".
 */
export function imageDefaultsMerged(c: ContainerSpec): boolean {
  return c.door === 'inspect';
}

export interface UserFact {
  /** 'unknown': no user given and the image (whose USER would apply) is not known here. */
  kind: 'root' | 'non-root' | 'unknown';
  /** The user as it applies, e.g. `0:0`, `root`, `(image default: root)`. */
  shown: string;
  /** Why, in a phrase, for messages. */
  because: string;
  at?: Location;
}

/** `root`, `0`, `0:0`, `root:wheel`, `00`: user id 0 whatever the group (names other than root that map to 0 need the image's /etc/passwd). */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === 'root' || (/^\d+$/.test(name) && Number(name) === 0);
}

/** The user the container's main process runs as, judged the same way at every door. */
export function userOf({ container, image }: Pick<ContainerFacts, 'container' | 'image'>): UserFact {
  const at = container.where.user;
  if (container.user !== undefined && container.user.trim() !== '') {
    const u = container.user.trim();
    return { kind: isRootUser(u) ? 'root' : 'non-root', shown: u, because: `the user is set to ${JSON.stringify(u)}`, at };
  }
  if (imageDefaultsMerged(container)) {
    return { kind: 'root', shown: '(none: root)', because: 'no user is set, neither by the image (USER) nor at run time, so it runs as root', at };
  }
  if (image) {
    if (image.user === undefined || image.user.trim() === '') {
      return { kind: 'root', shown: '(none: root)', because: `no user is set here and the image ${image.repoTags[0] ?? image.id} has no USER, so it runs as root`, at };
    }
    const u = image.user.trim();
    return { kind: isRootUser(u) ? 'root' : 'non-root', shown: `${u} (image USER)`, because: `no user is set here, so the image's USER ${JSON.stringify(u)} applies`, at };
  }
  return { kind: 'unknown', shown: '(not set)', because: "no user is set here and the image is not known at this point, so the image's USER applies (most images run as root)", at };
}

/**
 * True when the daemon remaps user namespaces and the container does not opt out: its
 * root is then an unprivileged user on the host. `undefined` when the daemon is not known.
 */
export function userNamespaceRemapped({ container, daemon }: Pick<ContainerFacts, 'container' | 'daemon'>): boolean | undefined {
  if (!daemon) return undefined;
  return hasSecurityOption(daemon, 'userns') && container.namespaces.userns !== 'host';
}
