import { bindAllInterfaces } from './bind-all-interfaces.js';
import { cookieWithoutHttponly } from './cookie-without-httponly.js';
import { cookieWithoutSamesite } from './cookie-without-samesite.js';
import { cookieWithoutSecure } from './cookie-without-secure.js';
import { corsWildcardCredentials } from './cors-wildcard-credentials.js';
import { csrfExempt } from './csrf-exempt.js';
import { djangoAllowedHostsWildcard } from './django-allowed-hosts.js';
import { djangoCsrfMiddlewareMissing } from './django-csrf-middleware.js';
import { djangoDebug } from './django-debug.js';
import { djangoHstsDisabled } from './django-hsts.js';
import { djangoSslRedirectDisabled } from './django-ssl-redirect.js';
import { exceptionDetailsInResponse } from './exception-details-in-response.js';
import { flaskDebug } from './flask-debug.js';
import { flaskWtfCsrfDisabled } from './flask-wtf-csrf-disabled.js';
import { hardcodedSecretKey } from './hardcoded-secret-key.js';
import { sessionLifetimeTooLong } from './session-lifetime.js';
import { uploadClientFilename } from './upload-client-filename.js';
import type { Rule } from '../types.js';

export const WEB_RULES: readonly Rule[] = [
  flaskDebug,
  hardcodedSecretKey,
  djangoDebug,
  djangoAllowedHostsWildcard,
  bindAllInterfaces,
  cookieWithoutSecure,
  cookieWithoutHttponly,
  cookieWithoutSamesite,
  sessionLifetimeTooLong,
  csrfExempt,
  djangoCsrfMiddlewareMissing,
  flaskWtfCsrfDisabled,
  djangoSslRedirectDisabled,
  djangoHstsDisabled,
  corsWildcardCredentials,
  uploadClientFilename,
  exceptionDetailsInResponse,
];
