/** Namespaces of the Customer Management v13 SOAP service, as the WSDL gives them. */
export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  customer: 'https://bingads.microsoft.com/Customer/v13',
  adapi: 'https://adapi.microsoft.com',
} as const;

export const SOAP_PATH = '/Api/CustomerManagement/v13/CustomerManagementService.svc';
export const SOAP_ACTION = 'GetUserMFAStatus';

/**
 * The request: header elements in WSDL order (AuthenticationToken, then DeveloperToken),
 * an empty GetUserMFAStatusRequest. Like the official SDKs, no `Action` header.
 */
export function buildEnvelope(accessToken: string, developerToken: string): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}">` +
    `<s:Header>` +
    `<AuthenticationToken xmlns="${NS.customer}">${escapeXml(accessToken)}</AuthenticationToken>` +
    `<DeveloperToken xmlns="${NS.customer}">${escapeXml(developerToken)}</DeveloperToken>` +
    `</s:Header>` +
    `<s:Body><GetUserMFAStatusRequest xmlns="${NS.customer}"/></s:Body>` +
    `</s:Envelope>`
  );
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
