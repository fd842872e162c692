import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const apiTarget = process.env.ZER08_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  resolve: {
    alias: {
      '@zer08/cron': fileURLToPath(new URL('../../libs/cron/src/index.ts', import.meta.url)),
      '@zer08/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)),
    },
  },
  server: {
    port: 4200,
    proxy: { '/api': apiTarget, '/health': apiTarget },
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/admin', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
});
