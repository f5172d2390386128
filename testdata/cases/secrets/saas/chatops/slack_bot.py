"""Deploy notifier bot for #releases."""
import os

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

# TODO: move to vault before going live
BOT_TOKEN = "xoxb-509434801971-6523078014769-edOqlJk2xUd8D5jq2stZGP2r"  # expect: slack-bot-token
APP_TOKEN = "xapp-1-A09BU79FUCR-5781234430623-5c78629ee8152ea19a60b9ea76722a0cc74236bca43b88fab4ddb396f4fb3193"  # expect: slack-app-token
ADMIN_USER_TOKEN = "xoxp-695169048915-600187651313-5858483811418-1ea66a8232474c49fc29117d7ac34d19"  # expect: slack-user-token

# near misses: documentation placeholders and environment lookups
DOC_TOKEN = "xoxb-your-bot-token"
ENV_TOKEN = os.environ.get("SLACK_BOT_TOKEN", "xoxb-")
TRUNCATED = "xoxb-186472088896-7741849183914-f1nm9vhPYo"

app = App(token=BOT_TOKEN)
admin = WebClient(token=ADMIN_USER_TOKEN)


@app.event("app_mention")
def on_mention(event, say):
    say(f"Deploying {event['text']}")


if __name__ == "__main__":
    SocketModeHandler(app, APP_TOKEN).start()
