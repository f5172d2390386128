resource "aws_iam_user" "old_bot" {
  name = "old-bot"
}

resource "aws_iam_user_policy_attachment" "old_bot" {
  user       = aws_iam_user.old_bot.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
