import { Global, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Environment } from '../config/environment';
import { resealSigningSecrets } from './reseal-signing-secrets';
import { OpenedSigningSecrets } from './opened-signing-secrets';
import { SecretBox } from './secret-box';

/** Seals legacy plaintext secrets and those under a previous key at start; a no-op once done. */
@Injectable()
export class SigningSecretsResealer implements OnApplicationBootstrap {
  private readonly logger = new Logger(SigningSecretsResealer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const { resealed, unreadable } = await resealSigningSecrets(this.dataSource, this.secrets);
      if (resealed > 0) this.logger.log(`encrypted ${resealed} signing secret(s) with key ${this.secrets.keyId}`);
      if (unreadable > 0)
        this.logger.warn(
          `${unreadable} signing secret(s) are sealed under a key that is no longer configured (SECRETS_ENCRYPTION_PREVIOUS_KEYS)`,
        );
    } catch (error) {
      this.logger.warn(`could not encrypt stored signing secrets: ${(error as Error).message}`);
    }
  }
}

/** One SecretBox per application (keys derived once), shared by the jobs API and the HTTP executor. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => SecretBox.fromConfig(config),
    },
    OpenedSigningSecrets,
    SigningSecretsResealer,
  ],
  exports: [SecretBox, OpenedSigningSecrets],
})
export class SecretsModule {}
