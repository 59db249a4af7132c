import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ConfigModule } from './config/config.module';
import { ErrorFilter } from './http/error.filter';
import { createValidationPipe } from './http/validation';
import { LoggingModule } from './logging/logging.module';

/** Config, logging, the global error filter and the global validation pipe. */
@Module({
  imports: [ConfigModule, LoggingModule],
  providers: [
    { provide: APP_FILTER, useClass: ErrorFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [ConfigModule],
})
export class CommonModule {}
