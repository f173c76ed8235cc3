const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as an unsigned 32-bit number, or null when it is not a dotted-quad IPv4 address. */
export function ipv4ToNumber(address: string): number | null {
  const match = IPV4.exec(address);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** Whether `address` lies inside `cidr` (e.g. 10.0.0.0/16); false for anything that does not parse. */
export function cidrContains(cidr: string, address: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const network = ipv4ToNumber(base);
  const ip = ipv4ToNumber(address);
  const bits = Number(bitsText);
  if (network === null || ip === null || !/^\d{1,2}$/.test(bitsText) || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(network / size);
}
