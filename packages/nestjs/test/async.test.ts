import type { Invitekit } from '@invitekit/core';
import { type INestApplication, Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabases } from '../../../test/support/databases.js';
import { INVITEKIT, InvitekitModule, type InvitekitModuleOptions } from '../src/index.js';
import { bootApp, call } from './support.js';

describe.each(testDatabases())('forRootAsync on $name', (kind) => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await kind.create();
    const settings = () => ({ invitekit: { database: db.config, secretKey: 'sk_from_config' } });
    app = await bootApp({
      imports: [
        InvitekitModule.forRootAsync({
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [settings] })],
          inject: [ConfigService],
          useFactory: (config: ConfigService): InvitekitModuleOptions => ({
            database: config.getOrThrow('invitekit.database'),
            secretKeys: [config.getOrThrow<string>('invitekit.secretKey')],
          }),
          path: 'from-config',
        }),
      ],
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('builds the instance from options injected by the factory', async () => {
    expect(app.get<Invitekit>(INVITEKIT).database.driver).toBe(
      kind.name === 'pglite' ? 'pglite' : 'postgres',
    );
    const headers = { authorization: 'Bearer sk_from_config' };
    const org = await call(app, 'CreateOrganization', 'POST', '/from-config/v1/organizations', {
      name: 'Configured',
    });
    expect(org.status).toBe(401);
    const created = await call(
      app,
      'CreateOrganization',
      'POST',
      '/from-config/v1/organizations',
      { name: 'Configured' },
      headers,
    );
    expect(created.status).toBe(200);
    const listed = await call(
      app,
      'ListOrganizations',
      'GET',
      '/from-config/v1/organizations',
      undefined,
      headers,
    );
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([created.body.id]);
  });
});

describe('forRootAsync with useClass', () => {
  it('takes options from a factory class, which may inject providers of the imported modules', async () => {
    @Injectable()
    class Settings {
      readonly key = 'sk_from_class';
    }
    @Module({ providers: [Settings], exports: [Settings] })
    class SettingsModule {}
    @Injectable()
    class InvitekitOptions {
      constructor(@Inject(Settings) private readonly settings: Settings) {}
      createInvitekitOptions(): InvitekitModuleOptions {
        return { database: { dataDir: 'memory://' }, secretKeys: [this.settings.key] };
      }
    }
    const app = await bootApp({
      imports: [InvitekitModule.forRootAsync({ imports: [SettingsModule], useClass: InvitekitOptions })],
    });
    try {
      const res = await call(app, 'ListOrganizations', 'GET', '/invitekit/v1/organizations', undefined, {
        authorization: 'Bearer sk_from_class',
      });
      expect(res.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
