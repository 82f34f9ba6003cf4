<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
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
        <source>To enrol the first person, press Ctrl+Shift+A (or tap the top-left corner five times), sign in and choose Enrol. Or run: turnstile enroll &quot;NAME&quot; PHOTO.jpg</source>
        <translation>Um die erste Person anzulernen: Strg+Umschalt+A drücken (oder fünfmal oben links tippen), anmelden und „Anlernen“ wählen. Oder ausführen: turnstile enroll &quot;NAME&quot; FOTO.jpg</translation>
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
        <source>Please come closer</source>
        <translation>Bitte kommen Sie näher</translation>
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
        <extracomment>Key that asks for the admin panel (the panel itself asks for the password). Key that closes the kiosk (a technician&apos;s keyboard; visitors have none). Taps in the top-left corner, within ADMIN_TAP_S seconds, that ask for the admin panel.</extracomment>
        <translation>Turnstile</translation>
    </message>
    <message>
        <source>Technical detail: %1</source>
        <extracomment>The reason behind &quot;Out of service&quot;, small, for the technician at the screen.</extracomment>
        <translation>Technische Angabe: %1</translation>
    </message>
</context>
</TS>
