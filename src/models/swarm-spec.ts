/**
 * A swarm as one manager sees it: `/info`'s Swarm section, the overlay networks, and how many
 * secrets the swarm holds. Only managers answer the cluster-wide calls, so on a worker the
 * cluster fields are absent and the rules that need them say so.
 */
export interface SwarmSpec {
  /** `Swarm.LocalNodeState`: active, pending, locked, error or inactive. */
  state: string;
  /** This node is a manager (`Swarm.ControlAvailable`). */
  manager: boolean;
  nodeAddr: string;
  managers?: number;
  nodes?: number;
  /** `Cluster.Spec.EncryptionConfig.AutoLockManagers`. */
  autoLock?: boolean;
  /** `Cluster.Spec.CAConfig.NodeCertExpiry`, in nanoseconds as the API gives it. */
  nodeCertExpiryNs?: number;
  /** `Cluster.TLSInfo.TrustRoot`: the swarm's root CA certificate (PEM). */
  trustRoot?: string;
  /** Managers only: every overlay network, with whether its data plane is encrypted. */
  overlayNetworks?: Array<{ name: string; id: string; encrypted: boolean; ingress: boolean }>;
  /** Local managers only: the addresses dockerd listens on for swarm management (TCP 2377), e.g. `0.0.0.0:2377`. */
  managementListeners?: string[];
  /** Managers only: how many secrets the swarm stores. */
  secrets?: number;
}
