"""Every domain's commands are reachable from the installed ``citycarbon`` entry point."""

from click.testing import CliRunner

from citycarbon.cli import main


def test_every_command_is_registered() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"]).output
    for name in ("calc", "template", "sectors", "sources", "factors", "categories", "targets"):
        assert f"  {name}" in top, name
    calc_help = runner.invoke(main, ["calc", "--help"]).output
    for name in ("enterprise", "inventory", "keycategories", "uncertainty", "targets"):
        assert f"  {name}" in calc_help, name
    template_help = runner.invoke(main, ["template", "--help"]).output
    for name in ("enterprise", "inventory", "targets"):
        assert f"  {name}" in template_help, name
