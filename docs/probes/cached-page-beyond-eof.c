/* Probe run on Linux 6.18.44-fc-v595 (x86_64, 2026-11-22) as root; the output is the source of
 * scenarios/golden/kernel-runs/k6-cached-page-beyond-eof.json: a page a failed fallocate left in the
 * page cache beyond i_size is mapped, not SIGBUS. Reads run in forked children. Pool 0/0 before and after. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/falloc.h>
#define HP (2UL<<20)
static void show(const char *what){char b[4096];int fd=open("/proc/meminfo",O_RDONLY);int n=read(fd,b,sizeof b-1);close(fd);b[n]=0;
 unsigned long long t=0,f=0,r=0,s=0;char*p;
 if((p=strstr(b,"HugePages_Total:")))sscanf(p+16,"%llu",&t);
 if((p=strstr(b,"HugePages_Free:")))sscanf(p+15,"%llu",&f);
 if((p=strstr(b,"HugePages_Rsvd:")))sscanf(p+15,"%llu",&r);
 if((p=strstr(b,"HugePages_Surp:")))sscanf(p+15,"%llu",&s);
 printf("%-44s T=%llu F=%llu R=%lld S=%llu\n",what,t,f,(long long)r,s);}
static void wr(const char*path,const char*v){int fd=open(path,O_WRONLY);if(fd<0){perror(path);exit(1);}if(write(fd,v,strlen(v))<0)perror(path);close(fd);}
static const char* rd(volatile char*a){pid_t c=fork(); if(!c){volatile char x=a[0];(void)x;_exit(0);} int st; waitpid(c,&st,0); return WIFSIGNALED(st)?(WTERMSIG(st)==7?"SIGBUS":"signal"):"ok";}
int main(){
 wr("/proc/sys/vm/nr_overcommit_hugepages","0"); wr("/proc/sys/vm/nr_hugepages","1"); show("setup nr=1");
 mkdir("/tmp/k6/mnt",0755);
 if(mount("none","/tmp/k6/mnt","hugetlbfs",0,"")){perror("mount");return 1;}
 int fd=open("/tmp/k6/mnt/f",O_CREAT|O_RDWR,0600);
 int rc=fallocate(fd,0,0,2*HP); struct stat st; fstat(fd,&st);
 printf("fallocate(0, 2 pages): rc=%d %s size=%lld\n", rc, rc?strerror(errno):"", (long long)st.st_size); show("after fallocate");
 char*a=mmap(0,HP,PROT_READ,MAP_PRIVATE|MAP_NORESERVE,fd,0); printf("mmap private r noreserve 1: %s\n", a==MAP_FAILED?strerror(errno):"ok");
 if(a!=MAP_FAILED){printf("read p0 (in cache, beyond EOF): %s\n", rd(a)); show("after read"); munmap(a,HP);}
 char*b=mmap(0,HP,PROT_READ,MAP_SHARED,fd,0); printf("mmap shared r 1: %s\n", b==MAP_FAILED?strerror(errno):"ok"); show("after shared mmap");
 if(b!=MAP_FAILED){printf("shared read p0 (in cache, beyond EOF): %s\n", rd(b)); show("after read"); munmap(b,HP);}
 close(fd); unlink("/tmp/k6/mnt/f"); show("unlink");
 umount("/tmp/k6/mnt"); wr("/proc/sys/vm/nr_hugepages","0"); show("restored");
 return 0;}
