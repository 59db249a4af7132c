import { Inject, Injectable, Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '@rollcall/common';
import type { Mail } from './mail-templates';

/** How a mail left: over SMTP, or into the log because SMTP_URL is not set. */
export type Delivery = 'smtp' | 'log';

/** Sends over SMTP (nodemailer) when SMTP_URL is set, else writes the mail to the log. */
@Injectable()
export class Mailer {
  private readonly logger = new Logger('Mailer');
  private readonly transport: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.transport = config.smtp.url
      ? createTransport(
          {
            url: config.smtp.url,
            // Well under the worker's claim lease, so a stuck server cannot make a mail go out twice.
            connectionTimeout: 20_000,
            greetingTimeout: 20_000,
            socketTimeout: 30_000,
          },
          { from: config.smtp.from },
        )
      : undefined;
  }

  async send(to: string, mail: Mail, ref: { id: string; kind: string }): Promise<Delivery> {
    if (!this.transport) {
      // The recipient and the body are personal data: debug level only.
      this.logger.log(
        { messageId: ref.id, kind: ref.kind },
        'email not sent (SMTP_URL is not set); logged at debug level',
      );
      this.logger.debug(
        { messageId: ref.id, kind: ref.kind, to, subject: mail.subject, text: mail.text },
        'email',
      );
      return 'log';
    }
    await this.transport.sendMail({ to, subject: mail.subject, text: mail.text });
    return 'smtp';
  }

  /** Closes the SMTP transport; the worker calls it once its last round is over. */
  close(): void {
    this.transport?.close();
  }
}
