@echo off
rem Turnstile kiosk launcher for Windows: restarts the kiosk whenever it exits and appends its
rem log to %LOCALAPPDATA%\turnstile\logs\kiosk.log. Started at logon by Task Scheduler or a
rem Startup shortcut (see README.md beside this file). Edit TURNSTILE if installed elsewhere.
setlocal
set "TURNSTILE=C:\Turnstile\venv\Scripts\turnstile.exe"
if not exist "%TURNSTILE%" set "TURNSTILE=C:\Turnstile\app\turnstile.exe"
set "LOGS=%LOCALAPPDATA%\turnstile\logs"
if not exist "%LOGS%" mkdir "%LOGS%"
:again
echo %DATE% %TIME% starting the kiosk>> "%LOGS%\kiosk.log"
"%TURNSTILE%" kiosk >> "%LOGS%\kiosk.log" 2>&1
echo %DATE% %TIME% the kiosk exited with code %ERRORLEVEL%; restarting in 3 s>> "%LOGS%\kiosk.log"
timeout /t 3 /nobreak >nul
goto again
