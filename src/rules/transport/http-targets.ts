/**
 * HTTP client calls and where their URL is: callee → (position, keyword). Shared by `request-without-timeout`
 * (which needs the `requests` part) and `cleartext-http-url`.
 */
export type UrlSlot = [number | undefined, string];

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

export const REQUESTS_SESSIONS = ['requests.Session', 'requests.sessions.Session'];

/** `requests` module helpers and session methods. */
export const REQUESTS_CALLS: ReadonlyMap<string, UrlSlot> = new Map([
  ...['requests', 'requests.api', ...REQUESTS_SESSIONS].flatMap((prefix): [string, UrlSlot][] => [
    ...METHODS.map((m): [string, UrlSlot] => [`${prefix}.${m}`, [0, 'url']]),
    [`${prefix}.request`, [1, 'url']],
  ]),
]);

const HTTPX_CLIENTS = ['httpx.Client', 'httpx.AsyncClient'];
const AIOHTTP_SESSION = 'aiohttp.ClientSession';

export const URL_CALLS: ReadonlyMap<string, UrlSlot> = new Map([
  ...REQUESTS_CALLS,
  ...['httpx', ...HTTPX_CLIENTS].flatMap((prefix): [string, UrlSlot][] => [
    ...METHODS.map((m): [string, UrlSlot] => [`${prefix}.${m}`, [0, 'url']]),
    [`${prefix}.request`, [1, 'url']],
    [`${prefix}.stream`, [1, 'url']],
  ]),
  ...HTTPX_CLIENTS.map((c): [string, UrlSlot] => [c, [undefined, 'base_url']]),
  // urllib3 pools: `PoolManager().request("GET", url)`.
  ...['urllib3.PoolManager', 'urllib3.poolmanager.PoolManager', 'urllib3'].flatMap((prefix): [string, UrlSlot][] => [[`${prefix}.request`, [1, 'url']], [`${prefix}.urlopen`, [1, 'url']]]),
  ...METHODS.map((m): [string, UrlSlot] => [`${AIOHTTP_SESSION}.${m}`, [0, 'url']]),
  [`${AIOHTTP_SESSION}.request`, [1, 'url']],
  [`${AIOHTTP_SESSION}.ws_connect`, [0, 'url']],
  [AIOHTTP_SESSION, [0, 'base_url']],
  ['aiohttp.request', [1, 'url']],
  ['urllib.request.urlopen', [0, 'url']],
  ['urllib.request.Request', [0, 'url']],
  ['urllib.request.urlretrieve', [0, 'url']],
  ['xmlrpc.client.ServerProxy', [0, 'uri']],
  ['websocket.create_connection', [0, 'url']],
  ['websocket.WebSocketApp', [0, 'url']],
  ['websockets.connect', [0, 'uri']],
  ['websockets.client.connect', [0, 'uri']],
]);

/** `http.client.HTTPConnection(host)`: plain HTTP by construction, to the host given. */
export const HTTP_CONNECTIONS: ReadonlyMap<string, UrlSlot> = new Map([
  ['http.client.HTTPConnection', [0, 'host']],
  ['httplib.HTTPConnection', [0, 'host']],
]);
