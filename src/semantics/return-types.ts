/**
 * What well-known factory functions and methods return, so that `conn = sqlite3.connect(p); cur =
 * conn.cursor(); cur.execute(q)` resolves to `sqlite3.Cursor.execute`. Classes need no entry: calling a
 * name whose last part is CapWords yields an instance of it. Data, not code: later rule families extend it.
 */
export const RETURN_TYPES: Readonly<Record<string, string>> = {
  'sqlite3.connect': 'sqlite3.Connection',
  'sqlite3.Connection.cursor': 'sqlite3.Cursor',
  'sqlite3.dbapi2.connect': 'sqlite3.Connection',
  'psycopg2.connect': 'psycopg2.extensions.connection',
  'psycopg2.extensions.connection.cursor': 'psycopg2.extensions.cursor',
  'psycopg.connect': 'psycopg.Connection',
  'psycopg.Connection.connect': 'psycopg.Connection',
  'psycopg.Connection.cursor': 'psycopg.Cursor',
  'pymysql.connect': 'pymysql.connections.Connection',
  'pymysql.connections.Connection.cursor': 'pymysql.cursors.Cursor',
  'MySQLdb.connect': 'MySQLdb.connections.Connection',
  'MySQLdb.connections.Connection.cursor': 'MySQLdb.cursors.Cursor',
  'django.db.connection.cursor': 'django.db.backends.utils.CursorWrapper',
  'django.db.connections.__getitem__': 'django.db.backends.base.base.BaseDatabaseWrapper',
  'requests.session': 'requests.Session',
  'requests.sessions.session': 'requests.Session',
  'hashlib.new': 'hashlib._Hash',
  'hashlib.md5': 'hashlib._Hash',
  'hashlib.sha1': 'hashlib._Hash',
  'yaml.Loader': 'yaml.Loader',
  'subprocess.Popen': 'subprocess.Popen',
  'flask.Flask': 'flask.Flask',
  'open': 'io.TextIOWrapper',
  'io.open': 'io.TextIOWrapper',
  'ssl.create_default_context': 'ssl.SSLContext',
  'ssl.SSLContext': 'ssl.SSLContext',
  'httpx.Client': 'httpx.Client',
  'httpx.AsyncClient': 'httpx.AsyncClient',
};
