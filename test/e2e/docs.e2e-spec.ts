import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ENV_KEYS } from '../../apps/api/src/config/env';

/** The README is the front door: these checks keep it navigable and true as the docs move around. */
const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');
const DOCS = readdirSync(path.join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

function headings(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return [...withoutCode.matchAll(/^#{1,4} (.+)$/gm)].map((m) => anchor(m[1]));
}

/** Relative Markdown links `[text](target)` outside code blocks. */
function links(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:/.test(target));
}

describe('README and docs/', () => {
  it('the README opens with a table of contents that names every section', () => {
    const contents = README.split('## Contents')[1]?.split('\n## ')[0];
    expect(contents).toBeDefined();
    const sections = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]).filter((s) => s !== 'Contents');
    for (const section of sections) expect(contents).toContain(`(#${anchor(section)})`);
  });

  it('the README keeps the front-door material', () => {
    for (const expected of [
      'npm ci && npm start',
      'npm test',
      'curl',
      '## Configuration',
      'DATABASE_URL',
      'npm run bench',
      '## Documentation',
    ]) {
      expect(README).toContain(expected);
    }
  });

  it.each(['README.md', ...DOCS])('every relative link and anchor in %s resolves', (file) => {
    const markdown = read(file);
    for (const target of links(markdown)) {
      const [filePart, hash] = target.split('#');
      const resolved = filePart ? path.join(path.dirname(path.join(ROOT, file)), filePart) : path.join(ROOT, file);
      expect({ target, exists: existsSync(resolved) }).toEqual({ target, exists: true });
      if (hash && resolved.endsWith('.md')) expect(headings(readFileSync(resolved, 'utf8'))).toContain(hash);
    }
  });

  it.each(['README.md', ...DOCS.filter((f) => f !== 'docs/design-notes.md')])('%s cites no document outside the repository', (file) => {
    expect(read(file)).not.toMatch(/DESIGN(\.md| ?§)/);
  });

  it('every environment variable is in the configuration table and in .env.example', () => {
    const table = README.split('## Configuration\n')[1].split('\n## ')[0];
    const example = read('.env.example');
    for (const name of ENV_KEYS) {
      expect({ name, inTable: table.includes(`\`${name}\``) }).toEqual({ name, inTable: true });
      expect({ name, inExample: new RegExp(`^#? ?${name}=`, 'm').test(example) }).toEqual({ name, inExample: true });
    }
  });
});
