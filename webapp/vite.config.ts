import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The build lands inside the Python package so `mltrace-graph serve` serves it at `/`
// and the wheel ships it. `base: './'` keeps asset URLs relative to wherever it is mounted.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: {
    outDir: '../mltrace_graph/static',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/graphql': process.env.MLTRACE_SERVER ?? 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  },
});
