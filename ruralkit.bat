@echo off
rem ruralkit on Windows, with only Python installed (no make): what `make lab` does.
rem
rem   ruralkit.bat          set up .venv on first use, then open the course in JupyterLab
rem   ruralkit.bat lab      the same
rem   ruralkit.bat setup    only set up (or refresh) .venv
rem   ruralkit.bat test     set up, then lint and the test suite
rem
rem Needs Python 3.11.5 or newer from python.org (3.12 recommended; its "py" launcher).
rem Package mirror (pip reads PIP_INDEX_URL itself), in the same window first:
rem   set PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple
rem   set PIP_INDEX_URL=https://mirrors.aliyun.com/pypi/simple/
rem Offline: copy the whole folder from the USB stick, with wheelhouse\windows in it
rem (built by `make wheelhouse`); then every wheel comes from there and no network is used.
rem Keep in step with the Makefile (tests/test_classroom.py checks that they agree).

setlocal
cd /d "%~dp0"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
set "PYTHONHASHSEED=0"
set "CONSTRAINTS=constraints.txt"
set "WINDOWS_CONSTRAINTS=constraints-windows.txt"
set "EXTRAS=lab,dev"
set "WHEELHOUSE=wheelhouse\windows"
set "LAB_OVERRIDES=.venv\share\jupyter\lab\settings\overrides.d"
set "START=notebooks\index.ipynb"
set "VPY=.venv\Scripts\python.exe"

set "ACTION=%~1"
if "%ACTION%"=="" set "ACTION=lab"
if /i not "%ACTION%"=="lab" if /i not "%ACTION%"=="setup" if /i not "%ACTION%"=="test" (
    echo Usage: ruralkit.bat [lab^|setup^|test]
    exit /b 2
)

if exist "%VPY%" goto :venv_ready
call :find_python
if errorlevel 1 exit /b 1
echo Creating .venv with %PY% ...
%PY% -m venv .venv
if errorlevel 1 exit /b 1

:venv_ready
rem Install when never installed, or when a file the install depends on is newer (as make does).
"%VPY%" -c "import os,sys; s='.venv/.installed-stamp'; deps=('pyproject.toml','constraints.txt','constraints-windows.txt','.jupyter/overrides.json5'); sys.exit(0 if os.path.exists(s) and all(os.path.getmtime(d) <= os.path.getmtime(s) for d in deps) else 1)"
if not errorlevel 1 if /i not "%ACTION%"=="setup" goto :run
call :install
if errorlevel 1 exit /b 1

:run
if /i "%ACTION%"=="setup" exit /b 0
if /i "%ACTION%"=="test" goto :test
".venv\Scripts\jupyter.exe" lab "%START%"
exit /b %errorlevel%

:test
".venv\Scripts\ruff.exe" check .
if errorlevel 1 exit /b 1
"%VPY%" -m pytest -n 2 --dist loadfile
exit /b %errorlevel%

rem ---------------------------------------------------------------------------
:install
set "PIP_SOURCE="
if exist "%WHEELHOUSE%\" (
    echo Installing from %WHEELHOUSE% [offline] ...
    set "PIP_SOURCE=--no-index --find-links %WHEELHOUSE%"
) else (
    echo Installing from the package index [%PIP_INDEX_URL%] ...
    "%VPY%" -m pip install --quiet --upgrade pip
)
"%VPY%" -m pip install --quiet %PIP_SOURCE% --constraint %CONSTRAINTS% --constraint %WINDOWS_CONSTRAINTS% --editable ".[%EXTRAS%]"
if errorlevel 1 (
    echo The install failed. Behind a slow or blocked network, set a mirror first, e.g.
    echo   set PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple
    exit /b 1
)
rem JupyterLab in Chinese by default (Settings - Language switches it back).
if not exist "%LAB_OVERRIDES%" mkdir "%LAB_OVERRIDES%"
copy /y ".jupyter\overrides.json5" "%LAB_OVERRIDES%\ruralkit.json5" >nul
type nul > ".venv\.installed-stamp"
exit /b 0

rem ---------------------------------------------------------------------------
:find_python
rem A suitable Python: the py launcher first, then python on PATH. 3.12 and 3.11 before
rem 3.13, because the USB wheelhouse holds wheels for CPython 3.11 and 3.12 only.
set "PY="
for %%V in (3.12 3.11 3.13) do (
    if not defined PY (
        py -%%V -c "import sys; sys.exit(sys.version_info < (3, 11, 5))" >nul 2>&1 && set "PY=py -%%V"
    )
)
if defined PY exit /b 0
python -c "import sys; sys.exit(sys.version_info < (3, 11, 5))" >nul 2>&1 && set "PY=python"
if defined PY exit /b 0
echo ruralkit needs Python 3.11.5 or newer. Install Python 3.12 from https://www.python.org/downloads/windows/
echo (tick "Add python.exe to PATH"), then run ruralkit.bat again.
exit /b 1
