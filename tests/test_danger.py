"""Destructive commands are recognised wherever a runbook shows them, and look-alikes are not."""

from __future__ import annotations

import pytest

from kb.content.commands import split_commands
from kb.content.danger import RULES, find_dangers, reasons_for


def reasons(code: str, lang: str = "bash") -> list[str]:
    commands = split_commands(code, lang)
    return [why for command in commands for why in reasons_for(command)]


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("DROP TABLE users;", "DROP deletes"),
        ("drop database alcom;", "DROP deletes"),
        ("ALTER TABLE users DROP COLUMN email;", "DROP deletes"),
        ('psql "$DATABASE_URL" -c "DROP SCHEMA public CASCADE"', "DROP deletes"),
        ("dropdb alcom_production", "dropdb deletes a whole database"),
        ("TRUNCATE sessions;", "truncate empties"),
        ("truncate -s 0 /var/log/app.log", "truncate empties"),
        ("DELETE FROM users;", "DELETE FROM without WHERE"),
        ('psql -c "DELETE FROM sessions"', "DELETE FROM without WHERE"),
        ("DELETE FROM t WHERE id = 1; DELETE FROM s;", "DELETE FROM without WHERE"),
        ("UPDATE users SET active = false;", "UPDATE without WHERE"),
        ("git push --force origin main", "--force skips"),
        ("kubectl delete pod web-0 --force --grace-period=0", "--force skips"),
        ("git push -f origin main", "git push -f overwrites"),
        ("git reset --hard HEAD~1", "reset --hard throws away"),
        ("git clean -fdx", "git clean -f deletes"),
        ("pg_restore --clean --if-exists -d x backup.dump", "pg_restore --clean drops"),
        ("pg_restore -c -d x backup.dump", "pg_restore --clean drops"),
        ('pg_restore -d "$DATABASE_URL" --table=users backup.dump', "restores into the database"),
        ('psql "$DATABASE_URL" < backup.sql', "feeding a dump file"),
        ("mongorestore --drop dump/", "mongorestore writes over"),
        ("rm -rf /var/lib/app/uploads", "rm -r deletes"),
        ("sudo rm -fr ./cache", "rm -r deletes"),
        ("rm --recursive build", "rm -r deletes"),
        ("redis-cli FLUSHALL", "empty Redis"),
        ("redis-cli -n 2 flushdb", "empty Redis"),
        ("oc delete project openshift-logging", "deleting a namespace or volume"),
        ("kubectl delete pvc data-postgres-0", "deleting a namespace or volume"),
        ("mkfs.ext4 /dev/sdb1", "mkfs formats"),
        ("dd if=/dev/zero of=/dev/sdb bs=1M", "dd of=/dev/"),
    ],
)
def test_destructive_commands_are_named_with_what_they_do(code, says):
    assert any(says in why for why in reasons(code)), reasons(code)


@pytest.mark.parametrize(
    "code",
    [
        "DELETE FROM t WHERE id=1;",
        "DELETE FROM sessions\nWHERE expires_at < now();",  # WHERE on the next line
        "UPDATE users SET active = false WHERE id = 7;",
        "git reset --soft HEAD~1",
        "git reset HEAD file.txt",
        "git push --force-with-lease origin main",
        "git push -u origin main",
        "git push --follow-tags",
        "pg_restore -l backup.dump",  # lists the contents, writes nothing
        "pg_restore -Fc -f out.sql backup.dump",
        "pg_dump --clean -f backup.sql",  # --clean of pg_dump only writes DROPs into a file
        "rm backup.dump",
        "rm -f /tmp/app.lock",
        "git rm -r --cached build/",
        "docker rm -f web",
        "kubectl delete pod web-0",  # a pod comes back: a restart, not data loss
        "oc get pvc",
        "echo 3 > /proc/sys/vm/drop_caches",
        "apt-get update",
        "SELECT count(*) FROM sessions;",
        'echo "be careful"',  # a word in a command, not a warning about it
        "kubectl exec -it db-0 -- psql -c 'SELECT 1'",
    ],
)
def test_look_alikes_are_not_flagged(code):
    assert reasons(code) == []


def test_a_warning_in_the_comment_above_marks_the_command_under_it():
    code = "# Restore full backup (CAREFUL: overwrites existing data!)\nsh restore.sh\n"
    assert reasons(code) == [
        "the runbook warns: Restore full backup (CAREFUL: overwrites existing data!)"
    ]


def test_a_warning_at_the_end_of_the_line_counts_and_one_under_a_blank_line_does_not():
    assert reasons("./reindex.sh  # caution: locks the table") == [
        "the runbook warns: caution: locks the table"
    ]
    assert reasons("# Use with caution\n\n./status.sh\n") == []


def test_a_harmless_comment_marks_nothing():
    assert reasons('# Export database\npg_dump "$DATABASE_URL" -f out.dump\n') == []


def test_a_pattern_in_a_comment_is_not_a_command():
    assert reasons("ls  # never rm -rf this folder") == []


def test_a_command_continued_over_lines_is_read_whole():
    code = 'pg_restore \\\n  --clean \\\n  -d "$DATABASE_URL" backup.dump\n'
    found = find_dangers(split_commands(code, "bash"))
    assert len(found) == 1 and found[0].command.first == 0 and found[0].command.last == 2


def test_every_rule_says_why_in_words():
    assert all(len(rule.why.split()) >= 4 for rule in RULES)
