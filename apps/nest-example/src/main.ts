import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app-module.js';

const app = await NestFactory.create(AppModule);
app.setGlobalPrefix('api');
// SIGTERM/SIGINT → app.close(): InvitekitModule stops delivery and closes the database.
app.enableShutdownHooks();
const port = Number(process.env.PORT ?? 3000);
await app.listen(port);
new Logger('nest-example').log(
  `Listening on ${await app.getUrl()}: host API under /api/orgs, Invitekit under /api/invitekit`,
);
