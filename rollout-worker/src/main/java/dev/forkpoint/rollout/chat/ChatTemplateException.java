package dev.forkpoint.rollout.chat;

/** A chat template that cannot be parsed or rendered; the message says where and what. */
public class ChatTemplateException extends IllegalArgumentException {

    public ChatTemplateException(String message) {
        super(message);
    }
}
