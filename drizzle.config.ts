import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema (no database needed) and reviewed before commit.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
