package dev.forkpoint.trainer.security;

import dev.forkpoint.trainer.ForkpointProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer-token security: every mutating request under {@code /api/**} needs the token; reads need it when
 * {@code forkpoint.security.protect-reads=true}; health, metrics and the OpenAPI description are open.
 * Stateless: no session, no CSRF (no cookies are used for authentication).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    @Bean
    ApiToken apiToken(SecurityProperties security, ForkpointProperties forkpoint) {
        return ApiToken.resolve(security.token(), forkpoint.home());
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiToken token, SecurityProperties security, JsonMapper json) throws Exception {
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(json);
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(token), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint))
                .authorizeHttpRequests(auth -> {
                    if (!security.protectReads()) {
                        auth.requestMatchers(HttpMethod.GET, "/api/**").permitAll();
                    }
                    auth.requestMatchers("/api/**").authenticated();
                    auth.anyRequest().permitAll();
                });
        return http.build();
    }

    /** No user accounts: this bean keeps Spring Boot from creating a default user with a logged password. */
    @Bean
    UserDetailsService noUsers() {
        return username -> {
            throw new UsernameNotFoundException("no user accounts; use the bearer token");
        };
    }
}
