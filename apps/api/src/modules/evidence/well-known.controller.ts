import { Controller, Get, Header } from '@nestjs/common';
import { EvidenceLogService } from '@aftale/server';
import { Public } from '../../common/request-auth';

/** The tree-head signing keys, public, so anyone can check a proof bundle without us. */
@Controller('.well-known')
export class WellKnownController {
  constructor(private readonly evidenceLog: EvidenceLogService) {}

  @Public()
  @Get('aftale-log-keys.json')
  @Header('cache-control', 'public, max-age=3600')
  keys() {
    return { algorithm: 'Ed25519', keys: this.evidenceLog.publicKeys() };
  }
}
