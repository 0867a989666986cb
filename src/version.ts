import { readFileSync } from 'node:fs';

/** The package's own name and version (src/ and dist/ both sit one level below package.json). */
export const TOOL = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
