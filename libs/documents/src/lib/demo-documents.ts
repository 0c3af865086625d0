/**
 * Demo content written for this project (not taken from any vendor's documents): a short
 * Danish DPA that follows the structure of the Danish Data Protection Agency's standard
 * contractual clauses, and general terms for the fictional intranet vendor "Nordlys
 * Intranet ApS". Both use only standard placeholders.
 */

export const DEMO_DPA_MARKDOWN = `# Databehandleraftale

Aftale i henhold til artikel 28, stk. 3, i databeskyttelsesforordningen (forordning (EU) 2016/679) om databehandlerens behandling af personoplysninger.

**Mellem**

{{client.name}}  
{{client.address}}  
{{client.zipCity}}  
CVR-nr. {{client.cvr}}  
(»den dataansvarlige«)

**og**

{{vendor.legalName}}  
{{vendor.address}}  
CVR-nr. {{vendor.cvr}}  
(»databehandleren«)

Aftalen er indgået ved den dataansvarliges elektroniske accept den {{acceptance.date}} i forbindelse med abonnementet {{plan.name}} på {{vendor.name}}.

## 1. Præambel

1.1 Aftalen fastlægger, hvilke rettigheder og pligter databehandleren har, når den behandler personoplysninger for den dataansvarlige som led i leveringen af {{vendor.name}}.

1.2 Formålet er, at parterne overholder databeskyttelsesforordningens artikel 28, stk. 3.

1.3 Bilag A-D er en del af aftalen: Bilag A beskriver behandlingen, Bilag B de godkendte underdatabehandlere, Bilag C instruks og sikkerhed, og Bilag D parternes øvrige aftaler.

1.4 Er der modstrid, går denne aftale forud for databeskyttelsesvilkår i parternes andre aftaler.

## 2. Den dataansvarliges rettigheder og pligter

2.1 Den dataansvarlige bestemmer, til hvilke formål og med hvilke midler personoplysningerne behandles, og står inde for, at behandlingen er lovlig efter databeskyttelsesforordningen, anden EU-ret og dansk ret.

2.2 Den dataansvarlige sikrer, at der er hjemmel til de behandlinger, databehandleren bliver bedt om at udføre.

## 3. Databehandleren handler efter instruks

3.1 Databehandleren behandler kun personoplysninger efter dokumenteret instruks fra den dataansvarlige, som beskrevet i Bilag A og C. Kræver EU-ret eller dansk ret en anden behandling, oplyser databehandleren den dataansvarlige om det på forhånd, medmindre loven forbyder det.

3.2 Mener databehandleren, at en instruks strider mod databeskyttelsesreglerne, siger databehandleren straks til.

## 4. Fortrolighed

4.1 Kun medarbejdere, der har brug for det for at levere tjenesten, og som har tavshedspligt ved aftale eller lov, får adgang til personoplysningerne.

4.2 Databehandleren kan på forespørgsel dokumentere denne tavshedspligt.

## 5. Behandlingssikkerhed

5.1 Databehandleren træffer de tekniske og organisatoriske foranstaltninger, som artikel 32 kræver, afpasset efter det tekniske niveau, omkostningerne, behandlingens art og omfang og risikoen for de registrerede. Som minimum gælder foranstaltningerne i Bilag C.

5.2 Databehandleren giver den dataansvarlige de oplysninger, der er nødvendige for dennes egen risikovurdering.

## 6. Anvendelse af underdatabehandlere

6.1 Den dataansvarlige giver databehandleren en generel godkendelse til at bruge underdatabehandlere. Dem, der bruges, når aftalen indgås, står i Bilag B.

6.2 Planlagte tilføjelser eller udskiftninger varsles pr. e-mail til {{client.contactEmail}} mindst 30 dage, før de træder i kraft.

6.3 Den dataansvarlige kan gøre indsigelse inden for 14 dage efter varslet. Finder parterne ikke en løsning, kan den dataansvarlige opsige abonnementet med virkning fra ændringen.

6.4 Databehandleren pålægger hver underdatabehandler de samme databeskyttelsespligter som i denne aftale og hæfter over for den dataansvarlige for, at de bliver overholdt.

## 7. Overførsel til tredjelande

7.1 Personoplysninger overføres kun til lande uden for EU/EØS efter den dataansvarliges instruks og med et gyldigt overførselsgrundlag efter forordningens kapitel V. Grundlaget for hver underdatabehandler står i Bilag B.

## 8. Bistand til den dataansvarlige

8.1 Databehandleren hjælper, så vidt det er muligt, den dataansvarlige med at besvare de registreredes anmodninger om indsigt, berigtigelse, sletning, begrænsning, dataportabilitet og indsigelse.

8.2 Databehandleren hjælper også med den dataansvarliges pligter efter artikel 32-36: sikkerhed, anmeldelse og underretning ved brud, konsekvensanalyser og forudgående høring af Datatilsynet.

## 9. Brud på persondatasikkerheden

9.1 Databehandleren underretter den dataansvarlige uden unødig forsinkelse og senest 48 timer efter at have opdaget et brud, så den dataansvarlige kan anmelde det til Datatilsynet inden for 72 timer.

9.2 Underretningen beskriver så vidt muligt bruddets art, de sandsynlige følger og de tiltag, der er sat i værk.

## 10. Sletning og tilbagelevering

10.1 Når abonnementet ophører, kan den dataansvarlige i 3 måneder genskabe adgangen til sine data. Derefter sletter databehandleren alle personoplysninger, medmindre EU-ret eller dansk ret kræver, at de opbevares.

## 11. Revision og inspektion

11.1 Databehandleren stiller de oplysninger til rådighed, der viser, at artikel 28 og denne aftale overholdes, og medvirker til revision og inspektion som beskrevet i Bilag C.

## 12. Andre aftaler mellem parterne

12.1 Parternes øvrige aftaler, herunder om ansvar, må ikke stride mod denne aftale eller svække de registreredes rettigheder. Sådanne aftaler står i Bilag D.

## 13. Ikrafttræden og ophør

13.1 Aftalen træder i kraft ved den dataansvarliges online accept og gælder, så længe databehandleren behandler personoplysninger for den dataansvarlige.

13.2 Hver part kan kræve aftalen genforhandlet, hvis ny lovgivning gør det nødvendigt. Aftalen kan ikke opsiges for sig, mens behandlingen står på.

## 14. Kontaktpersoner

14.1 Den dataansvarliges kontaktperson er {{client.contact}}, {{client.contactEmail}}. Databehandleren kontaktes gennem supporten for {{vendor.name}}. Parterne giver hinanden besked, hvis kontaktpersonerne skifter.

## 15. Accept

15.1 Aftalen er accepteret elektronisk på vegne af {{client.name}} den {{acceptance.date}}. Den dataansvarlige kan altid hente en kopi af den udfyldte aftale.

# Bilag A – Oplysninger om behandlingen

A.1 Formål: at levere {{vendor.name}} ({{plan.name}}) til den dataansvarlige, herunder drift, hosting, support og sikkerhedskopiering.

A.2 Behandlingens art: opbevaring, visning, søgning, ændring, sletning og sikkerhedskopiering af det, som den dataansvarlige og dennes brugere lægger i tjenesten.

A.3 Typer af personoplysninger:

| Kategori | Eksempler | Følsomme oplysninger |
| --- | --- | --- |
| Identifikation | Navn, initialer, brugernavn | Nej |
| Kontakt | Arbejdsmail, telefonnummer | Nej |
| Brugerindhold | Opslag, filer, kommentarer | Kun hvis brugerne selv lægger dem ind |

A.4 Registrerede: den dataansvarliges ansatte, tidligere ansatte, konsulenter og andre brugere, som den dataansvarlige giver adgang.

A.5 Varighed: så længe abonnementet løber, og indtil data er slettet efter punkt 10.

# Bilag B – Underdatabehandlere

B.1 Ved aftalens indgåelse har den dataansvarlige godkendt disse underdatabehandlere:

{{subprocessors}}

B.2 Ændringer varsles efter punkt 6.

# Bilag C – Instruks og sikkerhed

C.1 Databehandleren må kun behandle personoplysninger for at levere, drive, sikre og supportere tjenesten.

C.2 Databehandleren har som minimum disse sikkerhedsforanstaltninger:

- Kryptering af data under transport (TLS) og ved opbevaring
- Adgang efter mindste privilegium og to-faktor-login for medarbejdere
- Logning af administrative adgange og løbende overvågning
- Daglig sikkerhedskopiering med 30 dages historik, opbevaret adskilt fra driften
- Løbende opdateringer og sårbarhedsscanning

C.3 Data opbevares i datacentre i EU/EØS, medmindre andet fremgår af Bilag B.

C.4 Databehandleren indhenter årligt en uafhængig revisorerklæring og sender den til den dataansvarlige på forespørgsel. Den dataansvarlige kan desuden med 30 dages varsel foretage inspektion for egen regning.

C.5 Databehandleren fører tilsyn med underdatabehandlerne ud fra deres egne revisorerklæringer og certificeringer.

# Bilag D – Parternes øvrige aftaler

D.1 Bistand efter punkt 8 og 11, som går ud over, hvad tjenesten normalt omfatter, kan afregnes efter medgået tid.

D.2 Parternes ansvar følger handelsbetingelserne for {{vendor.name}}.
`;

export const DEMO_TERMS_MARKDOWN = `# Handelsbetingelser for Nordlys Intranet

Gælder fra 1. januar 2026.

## 1. Parterne

1.1 Nordlys Intranet ApS (»Nordlys«) leverer intranettjenesten Nordlys som et abonnement over internettet.

1.2 Aftalen indgås mellem Nordlys og {{client.name}}, CVR-nr. {{client.cvr}} (»Kunden«), når Kunden accepterer disse betingelser ved tilmeldingen den {{acceptance.date}}. Kunden har valgt abonnementet {{plan.name}}.

## 2. Prøveperiode

2.1 Nye kunder kan prøve Nordlys gratis i en måned. Tilmeldingen koster intet. Vælger Kunden ikke et betalt abonnement, lukkes prøvekontoen, når prøveperioden slutter.

## 3. Priser og betaling

3.1 Priserne står på nordlys-intranet.dk og er angivet i danske kroner inklusive moms.

3.2 Abonnementet betales forud for den periode, Kunden har valgt. Kundens betalingskort trækkes, når perioden begynder, og hver gang den fornys. Kvitteringen og fakturaen sendes pr. e-mail.

3.3 Kunden sørger for, at kortoplysningerne er gyldige, så abonnementet kan fornys.

## 4. Abonnementsperiode og binding

4.1 Den forudbetalte periode, som Kunden vælger (for eksempel en måned eller et år), er også Kundens bindingsperiode.

4.2 Abonnementet fornyes automatisk med en ny periode af samme længde, medmindre Kunden opsiger det senest dagen før den nye periode begynder.

## 5. Opsigelse

5.1 Kunden opsiger abonnementet under »Indstillinger« i Nordlys. Opsigelsen får virkning ved udgangen af den betalte periode.

5.2 Opsiger Kunden midt i en periode, refunderes den betalte periode ikke, hverken helt eller delvist.

## 6. Adgang ved ophør

6.1 Kunden beholder fuld adgang, til den betalte periode udløber. Derefter lukkes adgangen til Nordlys.

## 7. Kundens data

7.1 Kundens data tilhører Kunden. Nordlys behandler personoplysninger for Kunden efter den databehandleraftale, som Kunden accepterer samtidig med disse betingelser.

7.2 I 3 måneder efter lukningen kan Kunden få sine data tilbage ved at tegne et nyt abonnement. Derefter slettes data.

## 8. Drift og ændringer af tjenesten

8.1 Nordlys udvikler tjenesten løbende og tilstræber høj oppetid, men garanterer ikke uafbrudt drift. Planlagt vedligeholdelse varsles i tjenesten.

## 9. Ansvar

9.1 Nordlys er ikke ansvarlig for indirekte tab, herunder driftstab og tab af data, som Kunden selv kunne have sikret sig imod.

9.2 Nordlys' samlede ansvar er begrænset til det beløb, Kunden har betalt for de seneste 12 måneder.

## 10. Ændring af betingelserne

10.1 Nordlys kan ændre betingelserne med 30 dages varsel pr. e-mail. Ændringer gælder fra næste abonnementsperiode.

## 11. Lovvalg og værneting

11.1 Aftalen er underlagt dansk ret. Tvister afgøres ved Retten i Aarhus som første instans.
`;
