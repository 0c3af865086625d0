import { Module } from '@nestjs/common';
import { DocumentResolver } from './document.resolver';
import { DocumentPdfController } from './document-pdf.controller';

@Module({ providers: [DocumentResolver], controllers: [DocumentPdfController] })
export class DocumentModule {}
