<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AccountsPage</name>
    <message>
        <source>Create account</source>
        <extracomment>Everything the core may refuse here; its message is shown as it is.</extracomment>
        <translation>Konto anlegen</translation>
    </message>
    <message>
        <source>Delete selected account</source>
        <translation>Ausgewähltes Konto löschen</translation>
    </message>
    <message>
        <source>Set this password for the selected account</source>
        <translation>Dieses Passwort für das ausgewählte Konto setzen</translation>
    </message>
    <message>
        <source>Lift the selected account&apos;s lockout</source>
        <translation>Sperre des ausgewählten Kontos aufheben</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Neues Passwort</translation>
    </message>
    <message>
        <source>%1  (%2, last login %3)</source>
        <translation>%1  (%2, letzte Anmeldung %3)</translation>
    </message>
    <message>
        <source>account %1 created</source>
        <translation>Konto %1 angelegt</translation>
    </message>
    <message>
        <source>select an account first</source>
        <translation>Bitte zuerst ein Konto auswählen</translation>
    </message>
    <message>
        <source>password of %1 reset; its lockout is lifted</source>
        <translation>Passwort von %1 zurückgesetzt; die Sperre ist aufgehoben</translation>
    </message>
    <message>
        <source>%1 may sign in again</source>
        <translation>%1 kann sich wieder anmelden</translation>
    </message>
</context>
<context>
    <name>AdminWindow</name>
    <message>
        <source>Turnstile administration</source>
        <extracomment>The sign-in form&apos;s width: a form across a 1000 px window reads badly. Input events that count as activity and keep the session open.</extracomment>
        <translation>Turnstile-Verwaltung</translation>
    </message>
    <message>
        <source>Locked after inactivity</source>
        <extracomment>Asks the signed-in user&apos;s password again before erase, export and settings.</extracomment>
        <translation>Nach Inaktivität gesperrt</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personen</translation>
    </message>
    <message>
        <source>Enrol</source>
        <translation>Anlernen</translation>
    </message>
    <message>
        <source>Import photos</source>
        <translation>Fotos importieren</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Sicherung</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Visitors</source>
        <translation>Besucher</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Check that no entry was changed</source>
        <translation>Prüfen, dass kein Eintrag verändert wurde</translation>
    </message>
    <message>
        <source>intact: %1 entries chain up; head %2</source>
        <translation>unverändert: %1 Einträge bilden eine lückenlose Kette; Kopf %2</translation>
    </message>
    <message>
        <source>changed: %1</source>
        <translation>verändert: %1</translation>
    </message>
</context>
<context>
    <name>AuthoriseDialog</name>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
</context>
<context>
    <name>BackupPage</name>
    <message>
        <source>Back up now...</source>
        <extracomment>A backup or restore choice finished: the file written. A backup or restore choice failed: why (nothing was changed).</extracomment>
        <translation>Jetzt sichern...</translation>
    </message>
    <message>
        <source>Restore from a backup...</source>
        <translation>Aus einer Sicherung wiederherstellen...</translation>
    </message>
    <message>
        <source>A backup holds every person, face template and event: keep it as safe as the kiosk PC. A restore replaces the database when the kiosk next starts; the replaced file is kept beside it.</source>
        <translation>Eine Sicherung enthält alle Personen, Gesichtsvorlagen und Ereignisse: Bewahren Sie sie so sicher auf wie den Kiosk-PC. Eine Wiederherstellung ersetzt die Datenbank beim nächsten Start des Kiosks; die ersetzte Datei bleibt daneben erhalten.</translation>
    </message>
    <message>
        <source>A restore is waiting for the kiosk&apos;s next start.</source>
        <translation>Eine Wiederherstellung wartet auf den nächsten Start des Kiosks.</translation>
    </message>
    <message>
        <source>Back up the database</source>
        <translation>Datenbank sichern</translation>
    </message>
    <message>
        <source>Database files (*.db)</source>
        <translation>Datenbankdateien (*.db)</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>Sicherung auswählen</translation>
    </message>
    <message>
        <source>Please wait for the running backup or restore</source>
        <translation>Bitte warten Sie, bis die laufende Sicherung oder Wiederherstellung fertig ist</translation>
    </message>
    <message>
        <source>Checking %1...</source>
        <translation>%1 wird geprüft...</translation>
    </message>
    <message>
        <source>Backed up to %1 (integrity checked)</source>
        <translation>Gesichert nach %1 (Integrität geprüft)</translation>
    </message>
    <message>
        <source>%1 is checked and will replace the database when the kiosk next starts</source>
        <translation>%1 ist geprüft und ersetzt die Datenbank beim nächsten Start des Kiosks</translation>
    </message>
</context>
<context>
    <name>CameraPicker</name>
    <message>
        <source>Cameras on this PC...</source>
        <extracomment>Width of the preview picture in the form. The recognition area&apos;s outline. A camera was picked from the list: its index, as camera.source takes it.</extracomment>
        <translation>Kameras an diesem PC...</translation>
    </message>
    <message>
        <source>No camera found on this PC</source>
        <translation>Keine Kamera an diesem PC gefunden</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 lässt sich nicht öffnen: %2</translation>
    </message>
    <message>
        <source>Stop preview</source>
        <translation>Vorschau beenden</translation>
    </message>
</context>
<context>
    <name>EnrolPage</name>
    <message>
        <source>Enrol</source>
        <translation>Anlernen</translation>
    </message>
    <message>
        <source>Enrol anyway</source>
        <translation>Trotzdem anlernen</translation>
    </message>
    <message>
        <source>Stop camera</source>
        <translation>Kamera stoppen</translation>
    </message>
    <message>
        <source>Start camera</source>
        <translation>Kamera starten</translation>
    </message>
    <message>
        <source>The person consents to storing their face for door access</source>
        <translation>Die Person willigt ein, dass ihr Gesicht für den Türzugang gespeichert wird</translation>
    </message>
    <message>
        <source>camera off</source>
        <translation>Kamera aus</translation>
    </message>
    <message>
        <source>Add photos...</source>
        <translation>Fotos hinzufügen...</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>Neu beginnen</translation>
    </message>
    <message>
        <source>Name</source>
        <extracomment>Offered with the duplicate warning: these faces are that person&apos;s, add them there.</extracomment>
        <translation>Name</translation>
    </message>
    <message>
        <source>Employee id</source>
        <translation>Personalnummer</translation>
    </message>
    <message>
        <source>Photos not used:</source>
        <translation>Nicht verwendete Fotos:</translation>
    </message>
    <message>
        <source>Photos of the person</source>
        <translation>Fotos der Person</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.webp)</source>
        <translation>Bilder (*.jpg *.jpeg *.png *.bmp *.webp)</translation>
    </message>
    <message>
        <source>kept, but %1</source>
        <translation>behalten, aber %1</translation>
    </message>
    <message>
        <source>%1 of %2 photo(s) usable</source>
        <translation>%1 von %2 Foto(s) verwendbar</translation>
    </message>
    <message>
        <source>This face already matches %1 (similarity %2). If it is them, add these pictures to %1; enrol anyway only if they are really different people.</source>
        <translation>Dieses Gesicht passt bereits zu %1 (Ähnlichkeit %2). Wenn es diese Person ist, fügen Sie die Bilder %1 hinzu; lernen Sie nur dann trotzdem an, wenn es wirklich verschiedene Personen sind.</translation>
    </message>
    <message>
        <source>Add to %1</source>
        <translation>Zu %1 hinzufügen</translation>
    </message>
    <message>
        <source>%1 enrolled with %2 template(s)</source>
        <translation>%1 mit %2 Vorlage(n) angelernt</translation>
    </message>
    <message>
        <source>%1 picture(s) added to %2</source>
        <translation>%1 Bild(er) zu %2 hinzugefügt</translation>
    </message>
    <message>
        <source>The camera stopped delivering pictures</source>
        <extracomment>Frames the UI has not shown yet; the camera waits rather than queue a backlog.</extracomment>
        <translation>Die Kamera liefert keine Bilder mehr</translation>
    </message>
    <message>
        <source>The camera failed: %1</source>
        <translation>Kamerafehler: %1</translation>
    </message>
    <message>
        <source>Live enrolment stopped: %1</source>
        <translation>Das Anlernen mit der Kamera wurde beendet: %1</translation>
    </message>
</context>
<context>
    <name>Events</name>
    <message>
        <source>Granted</source>
        <translation>Eingelassen</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Abgewiesen</translation>
    </message>
    <message>
        <source>Not recognised</source>
        <translation>Nicht erkannt</translation>
    </message>
    <message>
        <source>Not a live face</source>
        <translation>Kein lebendes Gesicht</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>Besucher</translation>
    </message>
    <message>
        <source>Exit button</source>
        <translation>Ausgangstaster</translation>
    </message>
    <message>
        <source>PIN asked</source>
        <translation>PIN abgefragt</translation>
    </message>
    <message>
        <source>Person is deactivated</source>
        <translation>Person ist deaktiviert</translation>
    </message>
    <message>
        <source>Access has not started yet</source>
        <translation>Zugang gilt noch nicht</translation>
    </message>
    <message>
        <source>Access has expired</source>
        <translation>Zugang ist abgelaufen</translation>
    </message>
    <message>
        <source>Outside their schedule</source>
        <translation>Außerhalb der Zeiten</translation>
    </message>
    <message>
        <source>Not in a group this door admits</source>
        <translation>In keiner Gruppe, die diese Tür einlässt</translation>
    </message>
    <message>
        <source>The door did not open: %1</source>
        <translation>Die Tür hat sich nicht geöffnet: %1</translation>
    </message>
    <message>
        <source>Face access is suspended</source>
        <translation>Zugang per Gesicht gesperrt</translation>
    </message>
    <message>
        <source>The event log could not be written</source>
        <translation>Das Ereignisprotokoll konnte nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Visitor pass expired</source>
        <translation>Besucherausweis abgelaufen</translation>
    </message>
    <message>
        <source>Visitor pass not valid yet</source>
        <translation>Besucherausweis noch nicht gültig</translation>
    </message>
    <message>
        <source>Visitor pass revoked</source>
        <translation>Besucherausweis widerrufen</translation>
    </message>
    <message>
        <source>Visitor pass already used</source>
        <translation>Besucherausweis bereits benutzt</translation>
    </message>
    <message>
        <source>Forged visitor pass (signature wrong)</source>
        <translation>Gefälschter Besucherausweis (Signatur falsch)</translation>
    </message>
    <message>
        <source>Unreadable visitor pass</source>
        <translation>Unlesbarer Besucherausweis</translation>
    </message>
    <message>
        <source>The access panel refused: %1</source>
        <translation>Die Zutrittszentrale hat abgelehnt: %1</translation>
    </message>
    <message>
        <source>The access panel did not answer: %1</source>
        <translation>Die Zutrittszentrale hat nicht geantwortet: %1</translation>
    </message>
    <message>
        <source>No card number for the access panel: %1</source>
        <translation>Keine Kartennummer für die Zutrittszentrale: %1</translation>
    </message>
    <message>
        <source>Wrong PIN: %1</source>
        <translation>Falsche PIN: %1</translation>
    </message>
    <message>
        <source>PIN locked: %1</source>
        <translation>PIN gesperrt: %1</translation>
    </message>
    <message>
        <source>Face and PIN required, but no PIN is set</source>
        <translation>Gesicht und PIN verlangt, aber keine PIN gesetzt</translation>
    </message>
    <message>
        <source>The PIN came too late</source>
        <translation>Die PIN kam zu spät</translation>
    </message>
    <message>
        <source>A PIN alone is not enough for them here</source>
        <translation>Hier genügt für diese Person keine PIN allein</translation>
    </message>
    <message>
        <source>No enrolled person was close enough</source>
        <translation>Keine angelernte Person war ähnlich genug</translation>
    </message>
    <message>
        <source>The liveness check refused the face</source>
        <translation>Die Lebenderkennung hat das Gesicht abgelehnt</translation>
    </message>
    <message>
        <source>Similarity %1 (needs %2); runner-up %3 (needs a lead of %4)</source>
        <translation>Ähnlichkeit %1 (nötig %2); Zweitbester %3 (nötiger Abstand %4)</translation>
    </message>
</context>
<context>
    <name>EventsPage</name>
    <message>
        <source>From</source>
        <extracomment>Column titles (translated where the table is built). Rows shown; the CSV export has them all. How often the page looks for new events while the kiosk runs. Outcomes of a face decision that name someone: without a name, that person was erased (a door alarm or an unreadable pass names nobody and has no similarity). Rows of alarms (repeated spoof attempts, face access suspended). An export ran to its end: the rows written. An export failed or was cancelled: why.</extracomment>
        <translation>Von</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>Jedes Ergebnis</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>CSV exportieren...</translation>
    </message>
    <message>
        <source>Attendance report...</source>
        <translation>Anwesenheitsbericht...</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>Export abbrechen</translation>
    </message>
    <message>
        <source>Add this face to</source>
        <extracomment>Exports read on their own thread through their own connection.</extracomment>
        <translation>Dieses Gesicht hinzufügen zu</translation>
    </message>
    <message>
        <source>Add anyway</source>
        <translation>Trotzdem hinzufügen</translation>
    </message>
    <message>
        <source>Face</source>
        <translation>Gesicht</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>Ähnlichkeit</translation>
    </message>
    <message>
        <source>Runner-up</source>
        <translation>Zweitbester</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Door</source>
        <translation>Tür</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>%1 event(s), updated live</source>
        <translation>%1 Ereignis(se), laufend aktualisiert</translation>
    </message>
    <message>
        <source>, newest %1 shown</source>
        <translation>, die neuesten %1 angezeigt</translation>
    </message>
    <message>
        <source>(erased)</source>
        <translation>(gelöscht)</translation>
    </message>
    <message>
        <source>This face is closer to %1 (similarity %2) than a new template should be. Add it to %3 only if you are sure it is them.</source>
        <translation>Dieses Gesicht ähnelt %1 (Ähnlichkeit %2) mehr, als ein neues Bild sollte. Fügen Sie es %3 nur hinzu, wenn Sie sicher sind, dass es diese Person ist.</translation>
    </message>
    <message>
        <source>The face was added to %1</source>
        <translation>Das Gesicht wurde %1 hinzugefügt</translation>
    </message>
    <message>
        <source>Export events</source>
        <translation>Ereignisse exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Attendance report</source>
        <translation>Anwesenheitsbericht</translation>
    </message>
    <message>
        <source>An export is already running</source>
        <translation>Ein Export läuft bereits</translation>
    </message>
    <message>
        <source>Writing %1...</source>
        <translation>%1 wird geschrieben...</translation>
    </message>
    <message>
        <source>%1 attendance row(s) written to %2</source>
        <translation>%1 Anwesenheitszeile(n) in %2 geschrieben</translation>
    </message>
    <message>
        <source>%1 event(s) written to %2</source>
        <translation>%1 Ereignis(se) in %2 geschrieben</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <source>Import folder...</source>
        <translation>Ordner importieren...</translation>
    </message>
    <message>
        <source>Import CSV...</source>
        <translation>CSV importieren...</translation>
    </message>
    <message>
        <source>Everyone in this import gave consent</source>
        <translation>Alle Personen dieses Imports haben eingewilligt</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>Foto</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Folder with one sub-folder per person</source>
        <translation>Ordner mit einem Unterordner pro Person</translation>
    </message>
    <message>
        <source>CSV: name,employee_id,image_path</source>
        <translation>CSV: name,employee_id,image_path</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>An import is already running</source>
        <translation>Ein Import läuft bereits</translation>
    </message>
    <message>
        <source>importing %1 photo(s)...</source>
        <translation>%1 Foto(s) werden importiert...</translation>
    </message>
    <message>
        <source>import failed: %1</source>
        <translation>Import fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 of %2 photo(s) enrolled for %3 person(s); %4 rejected</source>
        <translation>%1 von %2 Foto(s) für %3 Person(en) angelernt; %4 abgelehnt</translation>
    </message>
</context>
<context>
    <name>Kiosk</name>
    <message>
        <source>Your access is not active. Please see reception.</source>
        <extracomment>Refusals of a visitor pass (the banner says &quot;Pass refused&quot;, not &quot;Access denied&quot;). The face was recognised; the keypad asks for the person&apos;s PIN.</extracomment>
        <translation>Ihr Zugang ist nicht aktiv. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>Your access has not started yet. Please see reception.</source>
        <translation>Ihr Zugang gilt noch nicht. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>Your access has expired. Please see reception.</source>
        <translation>Ihr Zugang ist abgelaufen. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>No access at this time. Please see reception.</source>
        <translation>Zu dieser Zeit kein Zugang. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>No access through this door. Please see reception.</source>
        <translation>Kein Zugang durch diese Tür. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>Face access is suspended. Please see reception.</source>
        <translation>Der Zugang per Gesicht ist gesperrt. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>This pass has expired. Please see reception.</source>
        <translation>Dieser Ausweis ist abgelaufen. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>This pass is not valid yet. Please come back at its start time.</source>
        <translation>Dieser Ausweis ist noch nicht gültig. Bitte kommen Sie zur Startzeit wieder.</translation>
    </message>
    <message>
        <source>This pass was withdrawn. Please see reception.</source>
        <translation>Dieser Ausweis wurde widerrufen. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>This pass has already been used. Please see reception.</source>
        <translation>Dieser Ausweis wurde bereits benutzt. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>This pass was not issued here. Please see reception.</source>
        <translation>Dieser Ausweis wurde nicht hier ausgestellt. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>This code cannot be read as a pass. Please see reception.</source>
        <translation>Dieser Code ist kein lesbarer Ausweis. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>The access control system refused. Please see reception.</source>
        <translation>Das Zutrittssystem hat abgelehnt. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>The access control system did not answer. Please try again or see reception.</source>
        <translation>Das Zutrittssystem hat nicht geantwortet. Bitte versuchen Sie es erneut oder wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>No badge number is set up for you. Please see reception.</source>
        <translation>Für Sie ist keine Ausweisnummer eingerichtet. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>Wrong employee number or PIN. Tap Use PIN to try again.</source>
        <translation>Personalnummer oder PIN falsch. Tippen Sie auf „PIN eingeben“, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>Too many wrong PINs: PIN entry is locked for a while. Please see reception.</source>
        <translation>Zu viele falsche PINs: Die PIN-Eingabe ist eine Weile gesperrt. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>This door needs your face and a PIN, and you have no PIN yet. Please see reception.</source>
        <translation>Diese Tür verlangt Gesicht und PIN, und Sie haben noch keine PIN. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>The PIN came too late. Please look at the camera again.</source>
        <translation>Die PIN kam zu spät. Bitte schauen Sie noch einmal in die Kamera.</translation>
    </message>
    <message>
        <source>Here you need your face and your PIN. Please look at the camera.</source>
        <translation>Hier brauchen Sie Gesicht und PIN. Bitte schauen Sie in die Kamera.</translation>
    </message>
    <message>
        <source>Please see reception.</source>
        <translation>Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>Move your head a little</source>
        <translation>Bewegen Sie den Kopf ein wenig</translation>
    </message>
    <message>
        <source>Turn your head to your left</source>
        <translation>Drehen Sie den Kopf nach links</translation>
    </message>
    <message>
        <source>Turn your head to your right</source>
        <translation>Drehen Sie den Kopf nach rechts</translation>
    </message>
    <message>
        <source>Step back and look at the camera again.</source>
        <translation>Treten Sie zurück und schauen Sie noch einmal in die Kamera.</translation>
    </message>
    <message>
        <source>Step out of view for a second, then look at the camera again.</source>
        <translation>Treten Sie kurz aus dem Bild und schauen Sie dann noch einmal in die Kamera.</translation>
    </message>
    <message>
        <source>Step out of view for %1 seconds, then look at the camera again.</source>
        <translation>Treten Sie für %1 Sekunden aus dem Bild und schauen Sie dann noch einmal in die Kamera.</translation>
    </message>
    <message>
        <source>Please look at the camera</source>
        <translation>Bitte schauen Sie in die Kamera</translation>
    </message>
    <message>
        <source>One person at a time</source>
        <translation>Bitte einzeln eintreten</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Wird gestartet</translation>
    </message>
    <message>
        <source>One moment, please.</source>
        <translation>Einen Moment, bitte.</translation>
    </message>
    <message>
        <source>Nobody is enrolled yet</source>
        <translation>Noch niemand ist angelernt</translation>
    </message>
    <message>
        <source>Please try again</source>
        <translation>Bitte noch einmal</translation>
    </message>
    <message>
        <source>Move your head a little while you look.</source>
        <translation>Bewegen Sie dabei den Kopf ein wenig.</translation>
    </message>
    <message>
        <source>Please tell reception.</source>
        <translation>Bitte geben Sie dem Empfang Bescheid.</translation>
    </message>
    <message>
        <source>Trying again in %1 s.</source>
        <translation>Neuer Versuch in %1 s.</translation>
    </message>
    <message>
        <source>Camera unavailable</source>
        <translation>Kamera nicht verfügbar</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Außer Betrieb</translation>
    </message>
    <message>
        <source>The access control system is offline: the door cannot open. Please tell reception.</source>
        <translation>Das Zutrittssystem ist nicht erreichbar: Die Tür kann nicht öffnen. Bitte informieren Sie den Empfang.</translation>
    </message>
    <message>
        <source>Alarm: the door was forced open. The alarm has been logged.</source>
        <translation>Alarm: Die Tür wurde gewaltsam geöffnet. Der Alarm wurde protokolliert.</translation>
    </message>
    <message>
        <source>Alarm: the door is held open. Please close the door.</source>
        <translation>Alarm: Die Tür steht zu lange offen. Bitte schließen Sie die Tür.</translation>
    </message>
    <message>
        <source>The door sensors are not answering: door alarms are off. Please tell reception.</source>
        <translation>Die Türsensoren antworten nicht: Türalarme sind ausgeschaltet. Bitte informieren Sie den Empfang.</translation>
    </message>
    <message>
        <source>Good morning</source>
        <translation>Guten Morgen</translation>
    </message>
    <message>
        <source>Good afternoon</source>
        <translation>Guten Tag</translation>
    </message>
    <message>
        <source>Good evening</source>
        <translation>Guten Abend</translation>
    </message>
    <message>
        <source>Welcome, %1</source>
        <translation>Willkommen, %1</translation>
    </message>
    <message>
        <source>%1. Please go ahead.</source>
        <translation>%1. Bitte treten Sie ein.</translation>
    </message>
    <message>
        <source>Visitor pass accepted. Please go ahead.</source>
        <translation>Besucherausweis angenommen. Bitte gehen Sie durch.</translation>
    </message>
    <message>
        <source>Enter your PIN</source>
        <translation>PIN eingeben</translation>
    </message>
    <message>
        <source>Hello, %1. The door needs your PIN too.</source>
        <translation>Hallo, %1. Die Tür verlangt auch Ihre PIN.</translation>
    </message>
    <message>
        <source>The door did not open</source>
        <translation>Die Tür hat sich nicht geöffnet</translation>
    </message>
    <message>
        <source>Please try again or see reception.</source>
        <translation>Bitte versuchen Sie es noch einmal oder wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>Entries cannot be recorded</source>
        <translation>Zutritte können nicht protokolliert werden</translation>
    </message>
    <message>
        <source>The door stays shut. Please see reception.</source>
        <translation>Die Tür bleibt geschlossen. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <source>Pass refused</source>
        <translation>Ausweis abgelehnt</translation>
    </message>
    <message>
        <source>Access denied</source>
        <translation>Zugang verweigert</translation>
    </message>
    <message>
        <source>Too dark: step closer to the screen</source>
        <translation>Zu dunkel: treten Sie näher an den Bildschirm</translation>
    </message>
    <message>
        <source>The screen lights your face.</source>
        <translation>Der Bildschirm beleuchtet Ihr Gesicht.</translation>
    </message>
    <message>
        <source>Strong light behind you</source>
        <translation>Starkes Licht hinter Ihnen</translation>
    </message>
    <message>
        <source>Step closer to the screen, or turn away from the window.</source>
        <translation>Treten Sie näher an den Bildschirm oder drehen Sie sich vom Fenster weg.</translation>
    </message>
    <message>
        <source>Please come closer</source>
        <translation>Bitte kommen Sie näher</translation>
    </message>
    <message>
        <source>To enrol the first person, press Ctrl+Shift+A (or tap the top-left corner five times), sign in and choose Enrol. No account yet? On this PC run: turnstile accounts create NAME</source>
        <translation>Um die erste Person anzulernen: Strg+Umschalt+A drücken (oder fünfmal oben links tippen), anmelden und „Anlernen“ wählen. Noch kein Konto? Auf diesem PC ausführen: turnstile accounts create NAME</translation>
    </message>
    <message>
        <source>Not recognised</source>
        <translation>Nicht erkannt</translation>
    </message>
    <message>
        <source>If this keeps happening, please see reception.</source>
        <translation>Wenn das öfter passiert, wenden Sie sich bitte an den Empfang.</translation>
    </message>
    <message>
        <source>Please step up alone.</source>
        <translation>Bitte treten Sie allein vor die Kamera.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Enter your employee number</source>
        <translation>Personalnummer eingeben</translation>
    </message>
    <message>
        <source>Then press OK.</source>
        <translation>Dann OK drücken.</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Wird geprüft</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Turnstile</source>
        <extracomment>Key that asks for the admin panel (the panel itself asks for the password). Key that closes the kiosk; full screen, an administrator must sign in first. Taps in the top-left corner, within ADMIN_TAP_S seconds, that ask for the admin panel. Which standing door alarm a signal raises or ends (the strip shows one line per alarm). Ctrl+Q (or a close request) while quitting is guarded: someone must authorise it. A PinEntry from the keypad, for the recognition worker to decide.</extracomment>
        <translation>Turnstile</translation>
    </message>
    <message>
        <source>Use PIN</source>
        <extracomment>Full screen, closing needs an administrator (allow_quit); windowed, it does not. Door alarms standing now (forced/held open, input board silent), by slot. A strip over the video while a door alarm stands, whatever the banner says. The reason behind &quot;Out of service&quot;, small, for the technician at the screen.</extracomment>
        <translation>PIN eingeben</translation>
    </message>
    <message>
        <source>Technical detail: %1</source>
        <translation>Technische Angabe: %1</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>No administrator account exists yet. The installer creates the first one on this PC, signed in as the kiosk account:
    turnstile accounts create NAME --role administrator</source>
        <translation>Es gibt noch kein Administratorkonto. Wer die Anlage einrichtet, legt das erste auf diesem PC an, angemeldet als Kiosk-Benutzer:
    turnstile accounts create NAME --role administrator</translation>
    </message>
    <message>
        <source>Sign in to the admin panel</source>
        <translation>Anmeldung an der Verwaltung</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
</context>
<context>
    <name>PasswordPage</name>
    <message>
        <source>Change password</source>
        <translation>Passwort ändern</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Aktuelles Passwort</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Neues Passwort</translation>
    </message>
    <message>
        <source>Repeat new password</source>
        <translation>Neues Passwort wiederholen</translation>
    </message>
    <message>
        <source>Your password (%1)</source>
        <translation>Ihr Passwort (%1)</translation>
    </message>
    <message>
        <source>the two new passwords differ</source>
        <translation>Die beiden neuen Passwörter stimmen nicht überein</translation>
    </message>
    <message>
        <source>password changed</source>
        <translation>Passwort geändert</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <source>Search name or employee id</source>
        <extracomment>osdp.card_format, which the editor checks card numbers against.</extracomment>
        <translation>Name oder Personalnummer suchen</translation>
    </message>
    <message>
        <source>Edit...</source>
        <translation>Bearbeiten...</translation>
    </message>
    <message>
        <source>Activate / deactivate</source>
        <translation>Aktivieren / deaktivieren</translation>
    </message>
    <message>
        <source>Export data...</source>
        <translation>Daten exportieren...</translation>
    </message>
    <message>
        <source>Delete (erase)</source>
        <translation>Löschen (unwiderruflich)</translation>
    </message>
    <message>
        <source>%1 was changed by someone else meanwhile; reloaded: check and try again</source>
        <extracomment>Face-and-PIN groups (None: this panel cannot set PINs).</extracomment>
        <translation>%1 wurde inzwischen von jemand anderem geändert; neu geladen: bitte prüfen und erneut versuchen</translation>
    </message>
    <message>
        <source>%1 erased with every template</source>
        <translation>%1 mit allen Vorlagen gelöscht</translation>
    </message>
    <message>
        <source>exported to %1</source>
        <translation>exportiert nach %1</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>In Ordner exportieren</translation>
    </message>
</context>
<context>
    <name>PersonEditor</name>
    <message>
        <source>Edit %1</source>
        <extracomment>osdp.card_format: the range a card number must fit.</extracomment>
        <translation>%1 bearbeiten</translation>
    </message>
    <message>
        <source>none (the card number the access panel knows)</source>
        <translation>keine (die Kartennummer, die die Zutrittszentrale kennt)</translation>
    </message>
    <message>
        <source>Active (may pass)</source>
        <translation>Aktiv (darf passieren)</translation>
    </message>
    <message>
        <source>any time (e.g. Mon-Fri 08:00-18:00; Sat 09:00-13:00)</source>
        <translation>jederzeit (z. B. Mon-Fri 08:00-18:00; Sat 09:00-13:00)</translation>
    </message>
    <message>
        <source>none (comma-separated, e.g. Staff, Night shift)</source>
        <translation>keine (durch Kommas getrennt, z. B. Personal, Nachtschicht)</translation>
    </message>
    <message>
        <source>Remove selected template</source>
        <translation>Ausgewählte Vorlage entfernen</translation>
    </message>
    <message>
        <source>Add photos...</source>
        <translation>Fotos hinzufügen...</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Employee id</source>
        <translation>Personalnummer</translation>
    </message>
    <message>
        <source>Card number</source>
        <translation>Kartennummer</translation>
    </message>
    <message>
        <source>Weekly schedule</source>
        <translation>Wochenplan</translation>
    </message>
    <message>
        <source>Access groups</source>
        <translation>Zutrittsgruppen</translation>
    </message>
    <message>
        <source>Kiosk PIN</source>
        <extracomment>The kiosk PIN (None: this panel cannot set PINs).</extracomment>
        <translation>Kiosk-PIN</translation>
    </message>
    <message>
        <source>Consent recorded (%1)</source>
        <translation>Einwilligung erfasst (%1)</translation>
    </message>
    <message>
        <source>More photos of this person</source>
        <translation>Weitere Fotos dieser Person</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.webp)</source>
        <translation>Bilder (*.jpg *.jpeg *.png *.bmp *.webp)</translation>
    </message>
    <message>
        <source>the validity ends before it starts</source>
        <translation>Die Gültigkeit endet, bevor sie beginnt</translation>
    </message>
    <message>
        <source>changed by someone else meanwhile; reloaded: check their changes and save again</source>
        <translation>Inzwischen von jemand anderem geändert; neu geladen: bitte deren Änderungen prüfen und erneut speichern</translation>
    </message>
    <message>
        <source>this person was erased meanwhile</source>
        <translation>Diese Person wurde inzwischen gelöscht</translation>
    </message>
</context>
<context>
    <name>PinBox</name>
    <message>
        <source>Set PIN</source>
        <translation>PIN setzen</translation>
    </message>
    <message>
        <source>Remove PIN</source>
        <translation>PIN entfernen</translation>
    </message>
    <message>
        <source>Unlock PIN</source>
        <translation>PIN entsperren</translation>
    </message>
    <message>
        <source>the two PINs differ; nothing changed</source>
        <translation>Die beiden PINs stimmen nicht überein; nichts geändert</translation>
    </message>
    <message>
        <source>PIN set</source>
        <translation>PIN gesetzt</translation>
    </message>
    <message>
        <source>PIN removed</source>
        <translation>PIN entfernt</translation>
    </message>
    <message>
        <source>PIN unlocked</source>
        <translation>PIN entsperrt</translation>
    </message>
</context>
<context>
    <name>PinGroupsBox</name>
    <message>
        <source>none (comma-separated existing groups, e.g. Lab)</source>
        <translation>keine (vorhandene Gruppen durch Kommas getrennt, z. B. Labor)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Groups needing face and PIN on every door:</source>
        <translation>Gruppen, die an jeder Tür Gesicht und PIN brauchen:</translation>
    </message>
    <message>
        <source>saved</source>
        <translation>gespeichert</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Camera</source>
        <extracomment>The settings a site changes here, by group: (dotted key, label). Everything else about a widget (type, range, choices, tooltip) comes from the schema.</extracomment>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Camera (index, URL or file)</source>
        <translation>Kamera (Nummer, URL oder Datei)</translation>
    </message>
    <message>
        <source>Recognition</source>
        <translation>Erkennung</translation>
    </message>
    <message>
        <source>Match threshold</source>
        <translation>Schwelle für einen Treffer</translation>
    </message>
    <message>
        <source>Lead over the runner-up</source>
        <translation>Vorsprung vor dem Zweitbesten</translation>
    </message>
    <message>
        <source>Agreeing frames before a decision</source>
        <translation>Übereinstimmende Bilder vor einer Entscheidung</translation>
    </message>
    <message>
        <source>Cooldown per person (s)</source>
        <translation>Wartezeit pro Person (s)</translation>
    </message>
    <message>
        <source>Smallest face (pixels)</source>
        <translation>Kleinstes Gesicht (Pixel)</translation>
    </message>
    <message>
        <source>Door</source>
        <translation>Tür</translation>
    </message>
    <message>
        <source>Door output</source>
        <translation>Türausgang</translation>
    </message>
    <message>
        <source>Open pulse (s)</source>
        <translation>Öffnungsimpuls (s)</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>Serielle Schnittstelle</translation>
    </message>
    <message>
        <source>Serial speed (baud)</source>
        <translation>Serielle Geschwindigkeit (Baud)</translation>
    </message>
    <message>
        <source>Open bytes (hex)</source>
        <translation>Bytes zum Öffnen (hex)</translation>
    </message>
    <message>
        <source>Close bytes (hex, optional)</source>
        <translation>Bytes zum Schließen (hex, optional)</translation>
    </message>
    <message>
        <source>Board&apos;s answer to open (hex, optional)</source>
        <translation>Antwort der Platine auf Öffnen (hex, optional)</translation>
    </message>
    <message>
        <source>Board&apos;s answer to close (hex, optional)</source>
        <translation>Antwort der Platine auf Schließen (hex, optional)</translation>
    </message>
    <message>
        <source>Longest open time (s)</source>
        <translation>Längste Öffnungszeit (s)</translation>
    </message>
    <message>
        <source>Input query bytes (hex, optional)</source>
        <translation>Abfrage-Bytes für Eingänge (hex, optional)</translation>
    </message>
    <message>
        <source>Input answer length (bytes)</source>
        <translation>Länge der Eingangsantwort (Bytes)</translation>
    </message>
    <message>
        <source>Door contact bit (-1: none)</source>
        <translation>Bit des Türkontakts (-1: keiner)</translation>
    </message>
    <message>
        <source>Contact bit is 0 while open</source>
        <translation>Kontaktbit ist 0, solange offen</translation>
    </message>
    <message>
        <source>Exit button bit (-1: none)</source>
        <translation>Bit des Ausgangstasters (-1: keiner)</translation>
    </message>
    <message>
        <source>Held-open alarm after (s)</source>
        <translation>Alarm „zu lange offen“ nach (s)</translation>
    </message>
    <message>
        <source>Read inputs every (s)</source>
        <translation>Eingänge lesen alle (s)</translation>
    </message>
    <message>
        <source>Relay URL</source>
        <translation>URL des Relais</translation>
    </message>
    <message>
        <source>HTTP method</source>
        <translation>HTTP-Methode</translation>
    </message>
    <message>
        <source>Request body</source>
        <translation>Inhalt der Anfrage</translation>
    </message>
    <message>
        <source>Answer timeout (s)</source>
        <translation>Wartezeit auf Antwort (s)</translation>
    </message>
    <message>
        <source>Token file (0600)</source>
        <translation>Token-Datei (0600)</translation>
    </message>
    <message>
        <source>Token environment variable</source>
        <translation>Umgebungsvariable mit dem Token</translation>
    </message>
    <message>
        <source>Access panel (OSDP reader)</source>
        <translation>Zutrittszentrale (OSDP-Leser)</translation>
    </message>
    <message>
        <source>RS-485 adapter port</source>
        <translation>Anschluss des RS-485-Adapters</translation>
    </message>
    <message>
        <source>Bus speed (baud)</source>
        <translation>Busgeschwindigkeit (Baud)</translation>
    </message>
    <message>
        <source>Reader address</source>
        <translation>Leseradresse</translation>
    </message>
    <message>
        <source>Secure channel</source>
        <translation>Sicherer Kanal</translation>
    </message>
    <message>
        <source>Secure channel key file (0600, empty: created)</source>
        <translation>Schlüsseldatei des sicheren Kanals (0600, leer: wird erzeugt)</translation>
    </message>
    <message>
        <source>Card format</source>
        <translation>Kartenformat</translation>
    </message>
    <message>
        <source>Facility code</source>
        <translation>Anlagencode</translation>
    </message>
    <message>
        <source>Wait for the panel&apos;s answer (s)</source>
        <translation>Auf die Antwort der Zentrale warten (s)</translation>
    </message>
    <message>
        <source>Kiosk screen</source>
        <translation>Kiosk-Bildschirm</translation>
    </message>
    <message>
        <source>Language (empty: the system&apos;s; at the next start)</source>
        <translation>Sprache (leer: die des Systems; ab dem nächsten Start)</translation>
    </message>
    <message>
        <source>Result shown for (s)</source>
        <translation>Ergebnis anzeigen für (s)</translation>
    </message>
    <message>
        <source>Play a sound per result</source>
        <translation>Ton je Ergebnis abspielen</translation>
    </message>
    <message>
        <source>Speak the greeting</source>
        <translation>Begrüßung sprechen</translation>
    </message>
    <message>
        <source>Mirror the camera picture</source>
        <translation>Kamerabild spiegeln</translation>
    </message>
    <message>
        <source>Show a clock</source>
        <translation>Uhr anzeigen</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Keep events (days, 0 = forever)</source>
        <translation>Ereignisse aufbewahren (Tage, 0 = unbegrenzt)</translation>
    </message>
    <message>
        <source>Store a face picture with each event</source>
        <translation>Zu jedem Ereignis ein Gesichtsbild speichern</translation>
    </message>
    <message>
        <source>allow_insecure = true: this kiosk accepts recognition settings below the security floors; strangers may be let in more often.</source>
        <extracomment>Door keys that matter for each door.kind; the others are greyed out.</extracomment>
        <translation>allow_insecure = true: Dieser Kiosk akzeptiert Erkennungseinstellungen unter den Sicherheitsgrenzen; Fremde könnten öfter eingelassen werden.</translation>
    </message>
    <message>
        <source>false-accept rate: not calibrated yet (run `turnstile calibrate`)</source>
        <translation>Falschakzeptanzrate: noch nicht kalibriert (`turnstile calibrate` ausführen)</translation>
    </message>
    <message>
        <source>measured false-accept rate at this threshold: %1 (1 in %2)</source>
        <translation>gemessene Falschakzeptanzrate bei dieser Schwelle: %1 (1 zu %2)</translation>
    </message>
    <message>
        <source>Save</source>
        <extracomment>Text fields shown with their secrets hidden: key -&gt; (shown text, stored value).</extracomment>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Test door</source>
        <translation>Tür testen</translation>
    </message>
    <message>
        <source>Pulse the door once with the settings shown here</source>
        <translation>Die Tür einmal mit den hier gezeigten Einstellungen öffnen</translation>
    </message>
    <message>
        <source>saved to %1</source>
        <translation>gespeichert in %1</translation>
    </message>
    <message>
        <source>pulsing the door (%1) ...</source>
        <translation>Tür wird geöffnet (%1) ...</translation>
    </message>
    <message>
        <source>door answered: %1</source>
        <translation>Tür hat geantwortet: %1</translation>
    </message>
    <message>
        <source>door did not open: %1</source>
        <translation>Tür hat nicht geöffnet: %1</translation>
    </message>
</context>
<context>
    <name>VisitorsPage</name>
    <message>
        <source>Issue pass</source>
        <translation>Ausweis ausstellen</translation>
    </message>
    <message>
        <source>Only passes still valid</source>
        <translation>Nur noch gültige Ausweise</translation>
    </message>
    <message>
        <source>Revoke selected pass</source>
        <translation>Gewählten Ausweis widerrufen</translation>
    </message>
    <message>
        <source>Save card as PNG...</source>
        <translation>Karte als PNG speichern...</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>Besucher</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Gastgeber</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Anlass</translation>
    </message>
    <message>
        <source>Valid for</source>
        <translation>Gültig für</translation>
    </message>
    <message>
        <source>%1: %2, %3 to %4</source>
        <translation>%1: %2, %3 bis %4</translation>
    </message>
    <message>
        <source> (host %1)</source>
        <translation> (Gastgeber %1)</translation>
    </message>
    <message>
        <source> REVOKED</source>
        <translation> WIDERRUFEN</translation>
    </message>
    <message>
        <source>pass %1 issued: save or print its card</source>
        <translation>Ausweis %1 ausgestellt: Karte speichern oder drucken</translation>
    </message>
    <message>
        <source>select a pass first</source>
        <translation>zuerst einen Ausweis wählen</translation>
    </message>
    <message>
        <source>pass %1 revoked</source>
        <translation>Ausweis %1 widerrufen</translation>
    </message>
    <message>
        <source>card saved to %1</source>
        <translation>Karte gespeichert unter %1</translation>
    </message>
    <message>
        <source>Save pass card</source>
        <translation>Ausweiskarte speichern</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
</context>
</TS>
