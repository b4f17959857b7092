import { containerRule, notApplicable, type Issue } from '../../../models/rule.ts';
import { memberOf, networksOf, outsidePorts } from './support/reach.ts';

export default containerRule({
  meta: {
    id: 'container-ipv6-unfiltered',
    target: 'container',
    title: 'Port published on IPv6 where only IPv4 is filtered',
    severity: 'medium',
    rationale:
      "With `iptables` on and `ip6tables` off (the default before Engine 27), Docker writes filter and NAT rules (and honours DOCKER-USER) for IPv4 only. A port published on all interfaces or an IPv6 address is still served on IPv6 — by docker-proxy on `[::]`, or routed to a network with IPv6 enabled — with none of the IPv4 restrictions the administrator wrote in DOCKER-USER.",
    remediation:
      'Set `"ip6tables": true` in daemon.json (Engine 20.10–26 also need `"experimental": true`) so IPv6 gets the same rules, or publish on an IPv4 address only: `-p 0.0.0.0:8080:80` or `-p 127.0.0.1:8080:80`.',
    cwe: ['CWE-693'],
    urls: ['https://docs.docker.com/engine/network/packet-filtering-firewalls/'],
  },
  check(facts) {
    const picture = facts.network;
    const member = memberOf(facts);
    if (!picture || !member) return notApplicable('no network picture was read at this door');
    const d = picture.daemon;
    if (!d) return notApplicable("the daemon's iptables settings are not known at this door");
    if (!d.iptables || d.ip6tables) return [];
    const v6net = networksOf(member.spec, picture).some((n) => n.ipv6);
    const out: Issue[] = [];
    for (const p of outsidePorts(member, picture)) {
      if (p.shown.startsWith('host:')) continue;
      const allIfaces = p.hostIp === '' || p.hostIp === '::' || p.hostIp === '[::]';
      const v6 = p.hostIp.includes(':');
      // '' reaches IPv6 through docker-proxy on [::] (or through the network's own IPv6 address).
      if (!(v6 || (allIfaces && (d.userlandProxy || v6net)))) continue;
      out.push({ message: `publishes ${p.shown} on IPv6 while the daemon filters only IPv4 (iptables on, ip6tables off)`, at: p.port.at ?? facts.container.where.ports, evidence: `${p.shown}; iptables: true, ip6tables: false` });
    }
    return out;
  },
});
