/**
 * Removes secrets from text before it is logged or stored: every value registered here, and
 * anything shaped like a bearer token or JWT. The last line of defence: modules also avoid
 * putting tokens into messages in the first place.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(...values: Array<string | undefined>): void {
    for (const value of values) if (value && value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out
      .replace(/\beyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*/g, '[redacted-jwt]')
      .replace(/(bearer\s+)[^\s"',;]+/gi, '$1[redacted]')
      .replace(/((?:refresh_token|access_token|client_secret|developertoken|authenticationtoken)["']?\s*[=:>]\s*["']?)[^\s"'&<,;]+/gi, '$1[redacted]');
  }
}
