import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { buildOutputFile, packageFile, ParleyError, readBuildOutput } from '../../bot/core/index.js';
import { renderStorefront, type StorefrontProduct } from './storefront.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** Options of {@link registerWebchatStatic}. */
export interface WebchatStaticOptions {
  /** Folders whose images are served under `/assets/<name>` (e.g. the sample data's size chart). */
  assetDirs: string[];
  /** The try-on catalogue's products, shown as the demo page's product cards (one catalogue for page and try-on); none when omitted. */
  products?: () => Promise<readonly StorefrontProduct[]>;
}

/** Where `npm run build` bundles the widget's TypeScript sources (`channels/webchat/widget/`). */
const WIDGET_BUNDLE = buildOutputFile('channels', 'webchat', 'public', 'widget.js');

/**
 * Serves the demo page at `/` (its product cards from `options.products`, the try-on catalogue), the embeddable widget at `/widget.js` (the bundle `npm run build` writes; styles at
 * `/widget.css`) and images under `/assets/`.
 */
export function registerWebchatStatic(app: FastifyInstance, options: WebchatStaticOptions): void {
  const publicDir = packageFile('channels', 'webchat', 'public');
  const serve = (file: string, read: (path: string) => Promise<Buffer> = readFile) => async (_request: unknown, reply: FastifyReply) => {
    const body = await read(file);
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(body);
  };
  app.get('/', async (_request, reply) => {
    const page = await readFile(join(publicDir, 'index.html'), 'utf8');
    const products = options.products ? await options.products() : [];
    return reply.type(TYPES['.html']!).header('cache-control', 'no-cache').send(renderStorefront(page, products));
  });
  const embeddable = { 'widget.js': serve(WIDGET_BUNDLE, readBuildOutput), 'widget.css': serve(join(publicDir, 'widget.css')) };
  for (const [file, handler] of Object.entries(embeddable)) {
    app.get(`/${file}`, async (request, reply) => {
      // Any site may embed the widget.
      reply.header('access-control-allow-origin', '*');
      return handler(request, reply);
    });
  }
  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const { name } = request.params;
    if (!/^[\w.-]+$/.test(name) || !TYPES[extname(name)] || ['.html', '.js', '.css'].includes(extname(name))) {
      throw new ParleyError('not_found', `no asset named ${name}`);
    }
    for (const dir of options.assetDirs) {
      try {
        return await serve(join(dir, name))(request, reply);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new ParleyError('not_found', `no asset named ${name}`);
  });
}
