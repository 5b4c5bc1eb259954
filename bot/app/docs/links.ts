import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** A relative Markdown link that does not resolve: the file it is in, its target, and why. */
export interface BrokenLink {
  file: string;
  target: string;
  reason: string;
}

/** Markdown without fenced code blocks and inline code spans, where links and headings are not links and headings. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors GitHub gives the headings of `markdown` (lower case, punctuation dropped, spaces to hyphens, -1 for repeats). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (match[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of the inline links and images of `markdown` (outside code). */
export function linkTargets(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? '');
}

/**
 * The relative links of the Markdown `files` (paths under `root`) whose file is missing or whose `#anchor` names no
 * heading of the Markdown file it points at. Links with a scheme (`https:`, `mailto:`) are not checked.
 */
export function brokenLinks(root: string, files: string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    if (!anchorsOf.has(path)) anchorsOf.set(path, headingAnchors(readFileSync(path, 'utf8')));
    return anchorsOf.get(path)!;
  };
  for (const file of files) {
    const path = resolve(root, file);
    for (const target of linkTargets(readFileSync(path, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [pathPart = '', fragment] = target.split('#', 2);
      const destination = pathPart ? resolve(dirname(path), decodeURIComponent(pathPart)) : path;
      if (!existsSync(destination)) {
        broken.push({ file, target, reason: `no such file ${relative(root, destination)}` });
        continue;
      }
      if (fragment && destination.endsWith('.md') && statSync(destination).isFile() && !anchors(destination).has(fragment)) {
        broken.push({ file, target, reason: `no heading with the anchor #${fragment} in ${relative(root, destination)}` });
      }
    }
  }
  return broken;
}

/** README.md, docs/*.md and the channels' READMEs of the repository at `root`, relative to it. */
export function documentationFiles(root: string): string[] {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name)) : [];
  const channels = readdirSync(join(root, 'channels'))
    .map((name) => join('channels', name, 'README.md'))
    .filter((path) => existsSync(join(root, path)));
  return ['README.md', ...docs.sort(), ...channels.sort()];
}
