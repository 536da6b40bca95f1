import type { Rule } from '../types.js';
import { importFtplib } from './import-ftplib.js';
import { importHttpoxy } from './import-httpoxy.js';
import { importLxml } from './import-lxml.js';
import { importPickle } from './import-pickle.js';
import { importPycrypto } from './import-pycrypto.js';
import { importPyghmi } from './import-pyghmi.js';
import { importSubprocess } from './import-subprocess.js';
import { importTelnetlib } from './import-telnetlib.js';
import { importXmlEtree } from './import-xml-etree.js';
import { importXmlExpat } from './import-xml-expat.js';
import { importXmlMinidom } from './import-xml-minidom.js';
import { importXmlPulldom } from './import-xml-pulldom.js';
import { importXmlrpc } from './import-xmlrpc.js';
import { importXmlSax } from './import-xml-sax.js';

/** Bandit's import-only warnings (B401–B415), one rule per Bandit id, all opt-in. */
export const IMPORT_RULES: readonly Rule[] = [
  importTelnetlib,
  importFtplib,
  importPickle,
  importSubprocess,
  importXmlEtree,
  importXmlSax,
  importXmlExpat,
  importXmlMinidom,
  importXmlPulldom,
  importLxml,
  importXmlrpc,
  importHttpoxy,
  importPycrypto,
  importPyghmi,
];
