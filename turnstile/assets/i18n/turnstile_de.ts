<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
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
        <source>Password</source>
        <translation>Passwort</translation>
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
        <extracomment>Offered with the duplicate warning: these faces are that person&apos;s, add them there.</extracomment>
        <translation>Kamera stoppen</translation>
    </message>
    <message>
        <source>Start camera</source>
        <translation>Kamera starten</translation>
    </message>
    <message>
        <source>camera off</source>
        <translation>Kamera aus</translation>
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
        <extracomment>Column titles (translated where the table is built). Rows shown; the CSV export has them all. How often the page looks for new events while the kiosk runs. Outcomes that always name someone: without a name, that person was erased. Rows of alarms (repeated spoof attempts, face access suspended).</extracomment>
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
        <source>Add this face to</source>
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
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
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
    <name>Kiosk</name>
    <message>
        <source>Your access is not active. Please see reception.</source>
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
        <source>The door did not open</source>
        <translation>Die Tür hat sich nicht geöffnet</translation>
    </message>
    <message>
        <source>Please try again or see reception.</source>
        <translation>Bitte versuchen Sie es noch einmal oder wenden Sie sich an den Empfang.</translation>
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
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Turnstile</source>
        <extracomment>Key that asks for the admin panel (the panel itself asks for the password). Key that closes the kiosk; full screen, an administrator must sign in first. Taps in the top-left corner, within ADMIN_TAP_S seconds, that ask for the admin panel. Ctrl+Q (or a close request) while quitting is guarded: someone must authorise it.</extracomment>
        <translation>Turnstile</translation>
    </message>
    <message>
        <source>Technical detail: %1</source>
        <extracomment>Full screen, closing needs an administrator (allow_quit); windowed, it does not. The reason behind &quot;Out of service&quot;, small, for the technician at the screen.</extracomment>
        <translation>Technische Angabe: %1</translation>
    </message>
</context>
</TS>
