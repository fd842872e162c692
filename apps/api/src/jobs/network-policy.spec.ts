import {
  CallbackResolver,
  checkCallbackUrl,
  classifyAddress,
  classifyHost,
  guardedLookup,
  PrivateNetworkRefusedError,
  refuseLiteralHost,
  ResolvedAddress,
} from './network-policy';

describe('network policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.1', 'public'],
    ['169.254.1.1', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:c0a8:0101::1', 'private'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:db8::1', 'reserved'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('treats names as names, and knows the local ones', () => {
    expect(classifyAddress('example.com')).toBeUndefined();
    expect(classifyHost('localhost')).toBe('loopback');
    expect(classifyHost('LOCALHOST.')).toBe('loopback');
    expect(classifyHost('api.localhost')).toBe('loopback');
    expect(classifyHost('printer.local')).toBe('private');
    expect(classifyHost('metadata.google.internal')).toBe('private');
    expect(classifyHost('example.com')).toBe('public');
  });

  const strict = { allowPrivateNetworks: false };
  it.each([
    'http://127.0.0.1/hook',
    'http://localhost:8080/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://2130706433/', // 127.0.0.1 as one decimal number
    'http://0x7f.1/', // hex shorthand
    'http://0177.0.0.1/', // octal
    'http://10.0.0.5/',
    'http://[fd00::5]/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
    'http://[::ffff:192.168.0.1]/',
  ])('refuses %s unless private networks are allowed', (url) => {
    expect(checkCallbackUrl(url, strict)).toMatch(/private networks are disabled/);
    expect(checkCallbackUrl(url, { allowPrivateNetworks: true })).toBeUndefined();
  });

  it.each([
    ['ftp://example.com/file', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['javascript:alert(1)', /http or https/],
    ['not a url', /absolute http\(s\) URL/],
    ['/relative', /absolute http\(s\) URL/],
    ['https://user:pw@example.com/', /credentials/],
  ])('refuses %s always', (url, message) => {
    expect(checkCallbackUrl(url, { allowPrivateNetworks: true })).toMatch(message);
  });

  it('accepts public http(s) URLs', () => {
    expect(checkCallbackUrl('https://example.com/hook', strict)).toBeUndefined();
    expect(checkCallbackUrl('http://93.184.216.34:8080/x?y=1', strict)).toBeUndefined();
    expect(checkCallbackUrl('https://[2606:4700:4700::1111]/', strict)).toBeUndefined();
  });
});

describe('call-time network check (guardedLookup, refuseLiteralHost)', () => {
  /** Runs the lookup as net.connect would and reports what it answered. */
  const lookUp = (resolver: CallbackResolver, host: string, all: boolean) =>
    new Promise<{ error: (Error & { code?: string }) | null; address: string | ResolvedAddress[]; family?: number }>(
      (resolve) =>
        guardedLookup(resolver)(host, { all }, (error, address, family) => resolve({ error, address, family })),
    );
  const answering =
    (...addresses: string[]): CallbackResolver =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('hands public answers to the socket unchanged, one or all as net asks', async () => {
    const resolver = answering('93.184.216.34', '2606:4700:4700::1111');
    expect(await lookUp(resolver, 'example.com', true)).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700:4700::1111', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookUp(resolver, 'example.com', false)).toEqual({ error: null, address: '93.184.216.34', family: 4 });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.10', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['fd00::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
  ])('refuses a name that resolves to %s (%s)', async (address, kind) => {
    const { error } = await lookUp(answering(address), 'rebound.example', true);
    expect(error).toBeInstanceOf(PrivateNetworkRefusedError);
    expect(error?.code).toBe('ZER08_PRIVATE_NETWORK_REFUSED');
    expect(error?.message).toContain(
      `callback address ${address} is refused by the private-network policy: ${kind} address (rebound.example resolved to it)`,
    );
  });

  it('refuses when any one of several answers is private, whichever comes first', async () => {
    for (const resolver of [answering('93.184.216.34', '10.0.0.5'), answering('10.0.0.5', '93.184.216.34')]) {
      for (const all of [true, false]) {
        const { error } = await lookUp(resolver, 'mixed.example', all);
        expect(error?.message).toMatch(/^callback address 10\.0\.0\.5 is refused/);
      }
    }
  });

  it('passes resolver failures on and treats an empty answer as not found', async () => {
    const failing: CallbackResolver = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }));
    expect((await lookUp(failing, 'nowhere.invalid', true)).error?.code).toBe('ENOTFOUND');
    expect((await lookUp(answering(), 'empty.example', true)).error?.code).toBe('ENOTFOUND');
  });

  it('checks IP-literal hosts, which never reach lookup', () => {
    expect(refuseLiteralHost('127.0.0.1')?.message).toBe(
      'callback address 127.0.0.1 is refused by the private-network policy: loopback address; set CALLBACK_ALLOW_PRIVATE_NETWORKS=true to allow it',
    );
    expect(refuseLiteralHost('[::1]')?.message).toMatch(/^callback address ::1 is refused/);
    expect(refuseLiteralHost('[::ffff:7f00:1]')?.kind).toBe('loopback');
    expect(refuseLiteralHost('[fd12::1]')?.kind).toBe('unique_local');
    expect(refuseLiteralHost('93.184.216.34')).toBeUndefined();
    expect(refuseLiteralHost('example.com')).toBeUndefined();
  });
});
