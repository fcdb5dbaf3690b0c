/**
 * Every party on the network. Host ids 0..users-1 are the users' devices (host id = user id);
 * infrastructure hosts follow. `ip` is the network address a receiving party sees: users behind
 * one NAT share an ip, so an ip names a set of users, not always one.
 */
export const Role = {
  user: 0,
  server: 1,
  relay: 2,
  snode: 3,
  homeserver: 4,
  push: 5,
  notifier: 6,
  gateway: 7,
  mix: 8,
  provider: 9,
  tor: 10,
} as const;
export type RoleId = (typeof Role)[keyof typeof Role];
export const ROLE_NAMES = Object.keys(Role) as (keyof typeof Role)[];

export class Hosts {
  readonly role: number[] = [];
  readonly ip: number[] = [];
  readonly label: string[] = [];
  private nextIp = 0;

  /** Adds the users' devices; `usersPerIp` > 1 puts consecutive users behind one NAT address. */
  constructor(readonly users: number) {
    for (let u = 0; u < users; u++) {
      this.role.push(Role.user);
      this.ip.push(u);
      this.label.push(`user-${u}`);
    }
    this.nextIp = users;
  }

  /** Hosts as a saved log lists them (src/log/read.ts): roles, addresses and labels of every host, users first. */
  static fromColumns(users: number, role: ArrayLike<number>, ip: ArrayLike<number>, label: readonly string[]): Hosts {
    const h = new Hosts(users);
    for (let i = 0; i < role.length; i++) {
      h.role[i] = role[i];
      h.ip[i] = ip[i];
      h.label[i] = label[i];
      if (ip[i] >= h.nextIp) h.nextIp = ip[i] + 1;
    }
    return h;
  }

  get count(): number {
    return this.role.length;
  }

  /** Adds one infrastructure host with its own address; returns its host id. */
  add(role: RoleId, label: string): number {
    const id = this.role.length;
    this.role.push(role);
    this.ip.push(this.nextIp++);
    this.label.push(label);
    return id;
  }

  /** Puts consecutive users behind shared NAT addresses, `usersPerIp` per address (call before adding infrastructure). */
  shareUserIps(usersPerIp: number): void {
    if (this.role.length > this.users) throw new Error('shareUserIps must run before infrastructure hosts are added');
    for (let u = 0; u < this.users; u++) this.ip[u] = Math.floor(u / usersPerIp);
    this.nextIp = Math.ceil(this.users / usersPerIp);
  }

  isUser(host: number): boolean {
    return host < this.users;
  }

  /** Users whose device has this ip (the set an observer of that address must choose from). */
  usersAtIp(ip: number): number[] {
    const out: number[] = [];
    for (let u = 0; u < this.users; u++) if (this.ip[u] === ip) out.push(u);
    return out;
  }
}
