/** The service's error codes the simulator knows by name; any other code is answered too. */
interface KnownError { errorCode: string; message: string }

const KNOWN_ERRORS: ReadonlyMap<number, KnownError> = new Map([
  [0, { errorCode: 'InternalError', message: 'An internal error has occurred.' }],
  [105, {
    errorCode: 'InvalidCredentials',
    message: 'Authentication failed. Either supplied credentials are invalid or the account is inactive',
  }],
  [106, { errorCode: 'UserIsNotAuthorized', message: 'The user is not authorized to perform this operation.' }],
  [108, {
    errorCode: 'UserCompromised',
    message: 'We have detected suspicious activity on your Microsoft Advertising account. Please create a new password.',
  }],
  [109, {
    errorCode: 'AuthenticationTokenExpired',
    message: 'Authentication token expired. Please renew it or obtain a new token.',
  }],
  [116, { errorCode: 'RequestMissingHeaders', message: 'The request is missing one or more required header elements.' }],
  [117, {
    errorCode: 'CallRateExceeded',
    message: 'You have exceeded the number of calls that you are allowed to make in a minute. Please resubmit your request after waiting 60 seconds.',
  }],
  [120, { errorCode: 'UserLoginAccessDenied', message: 'The credentials are not valid for the person who is trying to sign in.' }],
  [122, { errorCode: 'PersonalIdentityNotAvailable', message: 'You must sign in to Microsoft Advertising with a work account.' }],
  [3101, { errorCode: 'OAuthTokenInvalid', message: 'The OAuth access token is invalid for this API.' }],
]);

export interface ServiceError { code: number; errorCode: string; message: string }

export function serviceError(code: number): ServiceError {
  const known = KNOWN_ERRORS.get(code);
  return known ? { code, ...known } : { code, errorCode: 'UnknownError', message: 'An unexpected error has occurred.' };
}

/** The HTTP status the REST form uses for a service error code. */
export function restStatusFor(code: number): number {
  if (code === 117) return 429;
  if (code === 0) return 500;
  if (code === 105 || code === 109 || code === 3101) return 401;
  if (code === 106 || code === 108 || (code >= 120 && code <= 126) || code === 1001) return 403;
  return 400;
}

export const GENERIC_FAULTSTRING = 'Invalid client data. Check the SOAP fault details for more information.';
